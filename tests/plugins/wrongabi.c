/*
 * wrongabi.c: a plugin built for a future ABI (version 2); the loader
 * must refuse it before touching anything else in the struct.
 */
#include "siren-notify.h"

const struct siren_notify_method siren_notify_method = {
	.abi_version = 2,
	.name = "wrongabi",
};
