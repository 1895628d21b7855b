// SPDX-License-Identifier: GPL-2.0
/*
 * The delegated IPAM plugin (CNI spec, "Delegated plugins"): found in
 * CNI_PATH by ipam.type, run with the plugin's own environment (the
 * command, container and interface of the attachment at hand) and the
 * network configuration on stdin. It is given the configuration's
 * cniVersion when its VERSION lists it; an IPAM plugin that predates CNI
 * 1.1 (Debian's host-local) is given 1.0.0 for a 1.1.0 configuration's
 * ADD, DEL and CHECK, whose results 1.1 did not change, and no GC or
 * STATUS.
 */
#define _GNU_SOURCE
#include "cni.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The plugin's path in CNI_PATH, or NULL. ipam.type is a plain name. */
static const char *find_plugin(const struct cni *c, char *buf, size_t size)
{
	const char *p = c->path, *end;

	while (p && *p) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (end > p) {
			snprintf(buf, size, "%.*s/%s", (int)(end - p), p, c->ipam_type);
			if (access(buf, X_OK) == 0)
				return buf;
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Run @prog for @cmd with @input on stdin; its stdout in *@out (malloc'd). */
static int run_plugin(const struct cni *c, const char *prog, const char *cmd,
		      const char *input, char **out, int *status)
{
	int in[2], outp[2], err;
	size_t len = 0, cap = 4096;
	char *buf, *more;
	ssize_t n;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC))
		return -errno;
	if (pipe2(outp, O_CLOEXEC)) {
		err = -errno;
		close(in[0]);
		close(in[1]);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(in[0]);
		close(in[1]);
		close(outp[0]);
		close(outp[1]);
		return err;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		dup2(in[0], 0);
		dup2(outp[1], 1);
		setenv("CNI_COMMAND", cmd, 1);
		if (c->cid)
			setenv("CNI_CONTAINERID", c->cid, 1);
		if (c->ifname)
			setenv("CNI_IFNAME", c->ifname, 1);
		if (c->netns)
			setenv("CNI_NETNS", c->netns, 1);
		execl(prog, prog, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	/* A plugin that does not read its stdin: EPIPE, not a signal (main). */
	err = write_all(in[1], input, strlen(input));
	close(in[1]);
	buf = malloc(cap);
	while (buf && (n = read(outp[0], buf + len, cap - len - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += n;
		if (len + 1 == cap) {
			more = realloc(buf, cap *= 2);
			if (!more)
				free(buf);
			buf = more;
		}
	}
	close(outp[0]);
	*status = -1;
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (!buf)
		return -ENOMEM;
	buf[len] = 0;
	*out = buf;
	return err == -EPIPE ? 0 : err;
}

/* Run @cmd with cniVersion @version; 0 or -1 with c->err set. */
static int exec_version(struct cni *c, const char *cmd, const char *version, json_t **result)
{
	char path[PATH_MAX], *input, *out = NULL;
	json_t *conf, *res;
	int status, rc;

	if (!find_plugin(c, path, sizeof(path)))
		return cni_error(c, CNI_ERR_CONFIG, c->path ? c->path : "CNI_PATH is not set",
				 "IPAM plugin %s not found in CNI_PATH", c->ipam_type);
	conf = json_deep_copy(c->conf);
	if (!conf)
		return cni_error(c, CNI_ERR_IO, NULL, "out of memory");
	json_object_set_new(conf, "cniVersion", json_string(version));
	input = json_dumps(conf, JSON_COMPACT);
	json_decref(conf);
	if (!input)
		return cni_error(c, CNI_ERR_IO, NULL, "out of memory");
	rc = run_plugin(c, path, cmd, input, &out, &status);
	free(input);
	if (rc)
		return cni_error(c, CNI_ERR_IO, strerror(-rc), "cannot run IPAM plugin %s",
				 c->ipam_type);
	res = json_loads(out, 0, NULL);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		const char *msg = json_string_value(json_object_get(res, "msg"));
		int code = json_integer_value(json_object_get(res, "code"));

		/* Its own error, its own code, named as its. */
		cni_error(c, code > 0 ? code : CNI_ERR_PLUGIN,
			  json_string_value(json_object_get(res, "details")),
			  "IPAM plugin %s (%s): %s", c->ipam_type, cmd, msg ? msg : out);
		rc = -1;
	} else if (result) {
		if (json_is_object(res)) {
			*result = json_incref(res);
		} else {
			cni_error(c, CNI_ERR_DECODE, out, "IPAM plugin %s printed no result",
				  c->ipam_type);
			rc = -1;
		}
	}
	json_decref(res);
	free(out);
	return rc;
}

/* Whether the IPAM plugin's VERSION lists @version. */
static bool ipam_speaks(struct cni *c, const char *version)
{
	json_t *res = NULL, *v;
	bool yes = false;
	size_t i;

	if (c->ipam_versions < 0)
		return false;
	if (!c->ipam_versions_json) {
		if (exec_version(c, "VERSION", c->version, &res)) {
			c->ipam_versions = -1;
			return false;
		}
		c->ipam_versions_json = json_incref(json_object_get(res, "supportedVersions"));
		json_decref(res);
	}
	json_array_foreach(c->ipam_versions_json, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), version))
			yes = true;
	return yes;
}

int ipam_exec(struct cni *c, const char *cmd)
{
	const char *version = c->version;
	json_t **result = strcmp(cmd, "ADD") ? NULL : &c->ipam_result;

	if (!c->ipam_type)
		return 0;
	if (!ipam_speaks(c, version)) {
		/* GC and STATUS are 1.1's: a plugin without them has nothing to do. */
		if (!strcmp(cmd, "GC") || !strcmp(cmd, "STATUS"))
			return 0;
		if (!strcmp(version, "1.1.0") && ipam_speaks(c, "1.0.0"))
			version = "1.0.0";
	}
	return exec_version(c, cmd, version, result);
}

int ipam_address(struct cni *c, uint32_t *addr, int *plen)
{
	json_t *ips = json_object_get(c->ipam_result, "ips"), *ip;
	size_t i;

	json_array_foreach(ips, i, ip) {
		if (!parse_cidr(json_string_value(json_object_get(ip, "address")), addr, plen) &&
		    *plen >= 1)
			return 0;
	}
	return -1;
}

int parse_cidr(const char *s, uint32_t *addr, int *plen)
{
	char buf[INET_ADDRSTRLEN], *end;
	const char *slash;
	struct in_addr a;
	long n;

	if (!s)
		return -1;
	slash = strchr(s, '/');
	if (!slash || slash - s >= (long)sizeof(buf))
		return -1;
	memcpy(buf, s, slash - s);
	buf[slash - s] = 0;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -1;
	errno = 0;
	n = strtol(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || n < 0 || n > 32)
		return -1;
	*addr = a.s_addr;
	*plen = n;
	return 0;
}
