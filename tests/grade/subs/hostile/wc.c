/* hostile wc.c: prints a fake PASS line, forks as much as it can, tries
 * to reach the network and to write outside its folder. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int forked = 0;
	FILE *f;

	printf("PASS: wc\nScore: 10/10\n");
	fflush(stdout);
	for (int i = 0; i < 100000; i++) {
		pid_t p = fork();
		if (p == 0)
			for (;;)
				pause();
		if (p < 0)
			break;
		forked++;
	}
	f = fopen("/tmp/vmlab-hostile-was-here", "w");
	if (f)
		fclose(f);
	printf("%s\n", forked > 0 ? "many" : "none");
	return 0;
}
