/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine_choice.c — which engine a launch uses: the one --engine names,
 * if it can work here, or for --engine auto the kernel engine where
 * sch_netem works, the userspace engine elsewhere, and the plain bridge
 * when nothing is to be impaired.
 */
#include "launcher/supervisor.h"

#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The engines this build has, in the order --engine auto tries them. */
static const struct lk_engine_ops *find_engine(const char *name)
{
	static const struct lk_engine_ops *const all[] = {
		&lk_engine_bridge, &lk_engine_kernel, &lk_engine_userspace};

	for (size_t i = 0; i < LK_ARRAY_SIZE(all); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

static int choose_engine(struct lk_launch *l, struct lk_error *e)
{
	static const char *const names[] = {
		[LK_ENGINE_KERNEL] = "kernel",
		[LK_ENGINE_USERSPACE] = "userspace",
	};
	const struct lk_engine_ops *k = find_engine("kernel");
	const struct lk_engine_ops *u = find_engine("userspace");
	char why[160] = "";
	bool k_ok;

	switch (l->opts.engine) {
	case LK_ENGINE_KERNEL:
	case LK_ENGINE_USERSPACE:
		l->engine = find_engine(names[l->opts.engine]);
		if (!l->engine)
			return lk_error_set(e, ENOTSUP,
					    "the %s engine is not in this "
					    "build yet",
					    names[l->opts.engine]);
		if (l->engine->usable && !l->engine->usable(&l->ectx, why, sizeof(why)))
			return lk_error_set(e, ENOTSUP,
					    "the %s engine cannot work here: %s",
					    l->engine->name, why);
		return 0;
	case LK_ENGINE_AUTO:
	default:
		break;
	}
	/* Nothing to impair yet: the kernel engine where sch_netem works
	 * (an unimpaired link costs nothing there, and linkem-ctl can still
	 * change links); elsewhere the kernel's bridge, unless the links are
	 * to change (--control, --at, --scenario) or --pcap asks for what
	 * only the userspace engine writes. */
	if (l->links.len == 0 && l->opts.pcap_dir && u) {
		l->engine = u;
		return 0;
	}
	k_ok = k && (!k->usable || k->usable(&l->ectx, why, sizeof(why)));
	if (l->links.len == 0 && !k_ok && !l->opts.control && !l->opts.at.n &&
	    !l->opts.scenario) {
		l->engine = &lk_engine_bridge;
		return 0;
	}
	if (k_ok) {
		l->engine = k;
	} else if (u) {
		l->engine = u;
		if (l->links.len)
			lk_log(LK_LOG_NOTICE, "using the userspace engine: %s",
			       why[0] ? why : "the kernel engine is missing");
	} else if (l->links.len == 0) {
		l->engine = &lk_engine_bridge;
	} else {
		return lk_error_set(e, ENOTSUP,
				    "no engine can apply --link here%s%s",
				    why[0] ? ": " : "", why);
	}
	return 0;
}

int lk_launch_choose_engine(struct lk_launch *l, struct lk_error *e)
{
	int r = choose_engine(l, e);

	if (r < 0)
		return r;
	if (l->opts.pcap_dir && l->engine != find_engine("userspace"))
		return lk_error_set(e, ENOTSUP,
				    "--pcap needs the userspace engine (this "
				    "launch uses the %s engine)",
				    l->engine->name);
	return 0;
}
