# In batch mode the first failing command ends the run, with status 1.
# status: 1
stepi
p nosuch
stepi
