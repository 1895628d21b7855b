// SPDX-License-Identifier: GPL-2.0
/*
 * podswitch_kunit.ko: KUnit suites for podswitch.ko. The module under test
 * exports its internals to this one only when CONFIG_KUNIT is set
 * (EXPORT_SYMBOL_IF_KUNIT); each suite lives beside the file it tests'
 * name: switch.c -> switch_test.c.
 */

#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for podswitch");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
