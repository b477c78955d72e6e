/*
 * replay.c -- a main() for fuzz targets without libFuzzer: run the target
 * once on every file named, or on every file in every directory named
 * (a corpus).  Exit status 0 if every input ran; a crash is the sanitizer's
 * report and its exit status, as under libFuzzer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/hostfile.h"
#include "tests/fuzz/fuzz.h"

static int run_file(const char *path)
{
	char err[512];
	size_t n;
	uint8_t *buf = hostfile_read(path, 64u << 20, "a fuzz input", &n, err, sizeof err);

	if (!buf) {
		fprintf(stderr, "replay: %s\n", err);
		return 1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, runs = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;
			while (d && (e = readdir(d))) {
				char p[4096];
				if (e->d_name[0] == '.')
					continue;
				snprintf(p, sizeof p, "%s/%s", argv[i], e->d_name);
				bad |= run_file(p);
				runs++;
			}
			if (d)
				closedir(d);
		} else {
			bad |= run_file(argv[i]);
			runs++;
		}
	}
	fprintf(stderr, "replay: %d inputs\n", runs);
	return bad;
}
