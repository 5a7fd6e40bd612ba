/* drvbench-model-serve: serves one model/ device (a built-in or a model
 * plugin, through the model catalogue) to QEMU's x-pci-proxy-dev on an
 * inherited socket, until QEMU hangs up.
 *   qemu-system-x86_64 ... -object memory-backend-memfd,id=mem,size=128M,share=on
 *       -machine q35,memory-backend=mem -device x-pci-proxy-dev,id=p0,addr=4,fd=N
 * Exit: 0 when QEMU hung up between messages, 1 when the stream broke (a
 * framing or I/O error, a hang-up in the middle of a message, a peer that
 * stopped reading; the reason is on stderr), 2 on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/catalog.h"
#include "model/remote.h"

static void usage(FILE *out)
{
	const struct model_plugin *p;

	fprintf(out,
		"usage: drvbench-model-serve --model SPEC --fd N [--time-scale S] [--quiet]\n"
		"  Serves a drvbench device model to QEMU's x-pci-proxy-dev over the\n"
		"  connected socket N (one end of a socketpair; QEMU has the other).\n"
		"  --model SPEC     the model: NAME[,OPTIONS] for a built-in, or\n"
		"                   PATH[,OPTIONS] for a model plugin (a shared object exporting\n"
		"                   " MODEL_PLUGIN_SYMBOL "; PATH holds a '/', e.g. ./libmydev.so)\n"
		"  --fd N           the inherited socket\n"
		"  --time-scale S   model time runs S times faster than real time (default 1)\n"
		"  --quiet          do not log device errors\n"
		"  Guest RAM must be memory-backend-memfd with share=on. MSI only: INTx\n"
		"  cannot reach a TCG guest through the proxy.\n"
		"built-in models:\n");
	for (unsigned i = 0; (p = model_catalog_builtin(i)) != NULL; i++)
		fprintf(out, "  %s%s\n      %s\n", p->name, p->options_help ? p->options_help : "",
			p->summary ? p->summary : "");
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

int main(int argc, char **argv)
{
	const char *model = NULL;
	unsigned long fd = ULONG_MAX, scale = 1;
	struct model_remote_options opt = { 0 };
	model_device *dev;
	model_remote *r;
	char why[1024];
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--quiet")) {
			opt.quiet = true;
		} else if (!strcmp(a, "--model") && v) {
			model = v;
			i++;
		} else if (!strcmp(a, "--fd") && v && parse_uint(v, INT_MAX, &fd)) {
			i++;
		} else if (!strcmp(a, "--time-scale") && v && parse_uint(v, 1000000, &scale) && scale) {
			i++;
		} else {
			fprintf(stderr, MODEL_REMOTE_LOG_PREFIX "bad or incomplete argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (!model || fd == ULONG_MAX) {
		fprintf(stderr, MODEL_REMOTE_LOG_PREFIX "--model and --fd are required\n");
		usage(stderr);
		return 2;
	}
	dev = model_catalog_create(model, why, sizeof(why));
	if (!dev) {
		fprintf(stderr, MODEL_REMOTE_LOG_PREFIX "cannot serve model: %s\n", why);
		return 2;
	}
	if (fcntl((int)fd, F_GETFD) < 0) {
		model_device_destroy(dev);
		fprintf(stderr, MODEL_REMOTE_LOG_PREFIX "fd %lu is not open\n", fd);
		return 2;
	}
	opt.time_scale = (unsigned)scale;
	r = model_remote_create(dev, (int)fd, &opt);
	if (!r) {
		model_device_destroy(dev);
		fprintf(stderr, MODEL_REMOTE_LOG_PREFIX "out of memory\n");
		return 1;
	}
	rc = model_remote_serve(r);
	model_remote_destroy(r);
	return rc == 0 ? 0 : 1;
}
