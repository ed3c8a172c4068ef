/*
 * cli/db_cli.c - database options shared by scan and inventory, the
 * password file and the prompt. The password is read into one buffer, handed
 * to the library by pointer, never printed, and wiped at the end.
 */
#include "cli/db_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

/* Prompts on the terminal with echo off (as psql and mysql -p do). */
static int ask_password(const char *source, char *buf, size_t cap, void *ud)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), rc = -1;
	size_t n = 0;
	(void)ud;
	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &old) == 0) {
		char prompt[640];
		int len = snprintf(prompt, sizeof(prompt), "Password for %s: ", source);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		if (len > 0 && write(fd, prompt, (size_t)len < sizeof(prompt) ? (size_t)len : sizeof(prompt) - 1) >= 0 &&
		    tcsetattr(fd, TCSAFLUSH, &quiet) == 0) {
			char c;
			while (n + 1 < cap && read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
				buf[n++] = c;
			buf[n] = '\0';
			tcsetattr(fd, TCSAFLUSH, &old);
			if (write(fd, "\n", 1) < 0) { /* nothing to do: the prompt line stays open */ }
			rc = 0;
		}
	}
	close(fd);
	return rc;
}

void cli_db_init(cli_db *d)
{
	memset(d, 0, sizeof(*d));
	d->opt = (shuan_db_options)SHUAN_DB_OPTIONS_INIT;
	if (isatty(STDIN_FILENO))
		d->opt.ask_password = ask_password;
}

void cli_db_clear(cli_db *d) { OPENSSL_cleanse(d->password, sizeof(d->password)); }

static int read_password_file(cli_db *d, const char *path, const char *cmd)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0) {
		fprintf(stderr, "shuan %s: --password-file %s: %s\n", cmd, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && (st.st_mode & 077))
		fprintf(stderr, "shuan %s: warning: --password-file %s is readable by others (chmod 600 it)\n", cmd,
			path);
	n = read(fd, d->password, sizeof(d->password) - 1);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "shuan %s: --password-file %s: %s\n", cmd, path, strerror(errno));
		return -1;
	}
	d->password[n] = '\0';
	d->password[strcspn(d->password, "\r\n")] = '\0';
	d->opt.password = d->password;
	return 0;
}

int cli_db_option(cli_db *d, int id, const char *arg, const char *cmd)
{
	unsigned long long v;
	uint64_t size;
	char *end;
	switch (id) {
	case CLI_DB_SAMPLE:
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || *end || end == arg || v < 1) {
			fprintf(stderr, "shuan %s: --sample takes a number of rows of at least 1\n", cmd);
			return -1;
		}
		d->opt.sample = v;
		return 1;
	case CLI_DB_FULL:
		d->opt.full = true;
		return 1;
	case CLI_DB_PASSWORD_FILE:
		return read_password_file(d, arg, cmd) ? -1 : 1;
	case CLI_DB_MAX_CELL:
		if (cli_parse_size(arg, &size) || size < 64 || size > (1ull << 30)) {
			fprintf(stderr, "shuan %s: --max-cell takes a size from 64 to 1G\n", cmd);
			return -1;
		}
		d->opt.max_cell = (size_t)size;
		return 1;
	case CLI_DB_TIMEOUT:
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || *end || end == arg || v < 1 || v > 86400 * 7) {
			fprintf(stderr, "shuan %s: --statement-timeout takes seconds from 1 to 604800\n", cmd);
			return -1;
		}
		d->opt.statement_timeout = (unsigned)v;
		return 1;
	default:
		return 0;
	}
}
