// SPDX-License-Identifier: GPL-2.0
/*
 * PDF: the HTML report printed by headless Chromium (Debian chromium),
 * so that the PDF is exactly the page a browser prints (the print CSS of
 * html.c). No PDF library to keep in step with the HTML. Chromium runs
 * with a private profile directory under a temporary directory, reads
 * the page from a file there (no network: the page has no external
 * resource) and is given 60 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#define PDF_TIMEOUT_S	60

/* $NFIPS_CHROMIUM, else chromium or chromium-browser on PATH. */
static int find_chromium(char *out, size_t len)
{
	static const char *const names[] = { "chromium", "chromium-browser", NULL };
	const char *env = getenv("NFIPS_CHROMIUM"), *path = getenv("PATH");
	char dirs[4096], *save = NULL, *d;
	int i;

	if (env && *env) {
		snprintf(out, len, "%s", env);
		return access(out, X_OK);
	}
	for (i = 0; names[i]; i++) {
		snprintf(dirs, sizeof(dirs), "%s", path ? path : "/usr/bin:/bin");
		for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			snprintf(out, len, "%s/%s", d, names[i]);
			if (!access(out, X_OK))
				return 0;
		}
	}
	return -1;
}

static int write_all(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return close(fd);
}

static void rm_rf(const char *dir)
{
	char cmd[4200];
	pid_t pid;

	/* the profile Chromium leaves is a tree: rm, not a walk of our own */
	snprintf(cmd, sizeof(cmd), "%s", dir);
	pid = fork();
	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

int nfips_report_pdf(const char *html, size_t len, const char *out, char *err,
		     size_t errlen)
{
	char chrome[4096], tmp[] = "/tmp/nfips-report.XXXXXX", page[128], prof[128];
	char pdfarg[4300], profarg[200], url[200], absout[4096], part[4200];
	struct stat st;
	pid_t pid;
	int status = 0, i, rc = -1;

	if (find_chromium(chrome, sizeof(chrome))) {
		snprintf(err, errlen, "--format pdf needs headless Chromium: none found (install "
			 "Debian's chromium, or set NFIPS_CHROMIUM to its path)");
		return -1;
	}
	if (out[0] != '/') {
		if (!getcwd(absout, sizeof(absout) - strlen(out) - 2)) {
			snprintf(err, errlen, "%s: %s", out, strerror(errno));
			return -1;
		}
		strcat(absout, "/");
		strcat(absout, out);
	} else {
		snprintf(absout, sizeof(absout), "%s", out);
	}
	if (!mkdtemp(tmp)) {
		snprintf(err, errlen, "/tmp: %s", strerror(errno));
		return -1;
	}
	snprintf(page, sizeof(page), "%s/report.html", tmp);
	snprintf(prof, sizeof(prof), "%s/profile", tmp);
	if (write_all(page, html, len)) {
		snprintf(err, errlen, "%s: %s", page, strerror(errno));
		goto out;
	}
	/* printed beside it, renamed over it once whole */
	snprintf(part, sizeof(part), "%s.tmp", absout);
	snprintf(pdfarg, sizeof(pdfarg), "--print-to-pdf=%s", part);
	snprintf(profarg, sizeof(profarg), "--user-data-dir=%s", prof);
	snprintf(url, sizeof(url), "file://%s", page);
	unlink(part);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		/* root (nfipsd) has no user namespace sandbox to drop into */
		if (geteuid() == 0)
			execl(chrome, chrome, "--headless", "--no-sandbox", "--disable-gpu",
			      "--no-pdf-header-footer", "--no-first-run", profarg, pdfarg, url,
			      (char *)NULL);
		else
			execl(chrome, chrome, "--headless", "--disable-gpu",
			      "--no-pdf-header-footer", "--no-first-run", profarg, pdfarg, url,
			      (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < PDF_TIMEOUT_S * 10; i++) {
		struct timespec ts = { 0, 100 * 1000000 };

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&ts, NULL);
	}
	if (i == PDF_TIMEOUT_S * 10) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		snprintf(err, errlen, "%s: no PDF after %d s (killed)", chrome, PDF_TIMEOUT_S);
		goto out;
	}
	if (stat(part, &st) || st.st_size < 5) {
		snprintf(err, errlen, "%s exited with %d and wrote no PDF to %s", chrome,
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1, part);
		unlink(part);
		goto out;
	}
	if (rename(part, absout)) {
		snprintf(err, errlen, "%s: %s", absout, strerror(errno));
		unlink(part);
		goto out;
	}
	rc = 0;
out:
	rm_rf(tmp);
	return rc;
}
