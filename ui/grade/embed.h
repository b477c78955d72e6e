/*
 * embed.h -- files carried inside build/vmlab (generated from
 * ui/grade/grader.lua and the files in ui/grade/bundle/ by ui/grade/embed.awk).
 */
#ifndef VMLAB_GRADE_EMBED_H
#define VMLAB_GRADE_EMBED_H

struct gr_embedded {
	const char *name;
	const char *text;
};

/* The text of the file with this base name, or NULL. */
const char *gr_embedded(const char *name);

#endif
