/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - force-included (clang -include) into every module of src/ built for
 * the fuzzers, except args.c: their writable globals and static locals go
 * to the sections vf_data and vf_bss, which fuzz_args saves once and
 * restores before each input.  vfbuf keeps its parsed options in such
 * statics (each command's "opt"); a process parses only once, the fuzzer
 * many times.  args.c stays out because its usage stream is opened once
 * and kept; fuzz_args resets vf_sel itself.
 */
#pragma clang section bss = "vf_bss" data = "vf_data"
