# an empty program: nothing to load, refused (as the image reader refuses it)
