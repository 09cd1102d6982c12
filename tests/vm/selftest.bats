#!/usr/bin/env bats
# tests/vm/selftest.bats: the rig's own behaviour, from the host (make
# vm-selftest; boots the VM several times, about a minute under TCG).
#
# Exit statuses pass through; a timeout is 124; a guest panic and a guest
# setup failure are 125 with the console tail; the ivshmem file is kept and
# shared with the guest; --module/--driver load and bind what they name.

setup_file() {
	export RUN=$BATS_TEST_DIRNAME/run
	# any binary will do as vfbuf for these tests
	export VFBUF_BIN=${VFBUF_BIN:-/bin/true}
}

setup() {
	bats_load_library bats-support
	bats_load_library bats-assert
	export VFBUF_VM_RUNDIR=$BATS_TEST_TMPDIR/run
}

@test "the command's exit status and output come back; the environment is set" {
	run "$RUN" -- 'echo "edu=$VFBUF_EDU ivshmem=$VFBUF_IVSHMEM pwd=$PWD"; exit 7'
	assert_failure 7
	assert_line "edu=0000:00:03.0 ivshmem=0000:00:04.0 pwd=/vfbuf"
	assert_line --partial "vm: console log: $VFBUF_VM_RUNDIR/console.log"
}

@test "several words are quoted, not re-split" {
	run "$RUN" -- printf '<%s>\n' 'a b' '$HOME'
	assert_success
	assert_line '<a b>'
	assert_line '<$HOME>'
}

@test "the ivshmem file is kept and holds what the guest wrote" {
	file=$BATS_TEST_TMPDIR/shm
	VFBUF_IVSHMEM_FILE=$file run "$RUN" -- 'uapi-facts write $VFBUF_IVSHMEM 2 0x100 from-the-guest'
	assert_success
	assert_line "vm: ivshmem backing file: $file"
	[ "$(dd if="$file" bs=1 skip=256 count=14 2> /dev/null)" = from-the-guest ]
}

@test "a timeout kills the machine: 124 and the console tail" {
	run "$RUN" --timeout 15 -- 'echo still-running; sleep 600'
	assert_failure 124
	assert_line --partial 'timed out after 15s'
	assert_line 'still-running'
}

@test "a guest panic fails with 125, never hangs" {
	run "$RUN" --timeout 120 -- 'echo c > /proc/sysrq-trigger'
	assert_failure 125
	assert_line --partial 'the guest kernel panicked'
	# after ready a command may have run: never booted again
	refute_line --partial 'booting the machine again'
	[ ! -e "$VFBUF_VM_RUNDIR/console-boot1.log" ]
}

@test "a panic before ready boots once more, then fails with 125 and both consoles" {
	# no init in the initramfs: the kernel panics before the guest is ready
	VFBUF_VM_APPEND=rdinit=/no-such-init run "$RUN" --timeout 120 -- 'echo never-ran'
	assert_failure 125
	refute_line 'never-ran'
	[ "$(grep -c 'booting the machine again' <<< "$output")" = 1 ]
	assert_line --partial "the guest kernel panicked before it was ready (console: $VFBUF_VM_RUNDIR/console-boot1.log)"
	assert_line --partial 'the guest kernel panicked'
	grep -q 'Kernel panic' "$VFBUF_VM_RUNDIR/console-boot1.log"
	grep -q 'Kernel panic' "$VFBUF_VM_RUNDIR/console.log"
}

@test "a driver that does not exist fails the guest setup: 125" {
	run "$RUN" --driver no_such_driver -- true
	assert_failure 125
	assert_line --partial 'guest setup failed: no PCI driver named no_such_driver'
}

@test "--module loads a module with its parameters after the vfio modules" {
	kdir=$("$BATS_TEST_DIRNAME/fetch-kernel" --dir)
	ko=$(find -L "$kdir/modules/kernel/drivers/net" -name 'dummy.ko*' | head -1)
	[ -n "$ko" ] || skip "no dummy module in $kdir"
	run "$RUN" --module "$ko numdummies=3" -- 'echo "dummies: $(ls /sys/class/net | grep -c dummy)"; tail -n 1 /lib/modules/load-order'
	assert_success
	assert_line 'dummies: 3'
	assert_line 'dummy numdummies=3'
}

@test "no command is a usage error" {
	run "$RUN"
	assert_failure 2
}

@test "build-kernel: an option Kconfig drops fails the build, naming it" {
	[ -n "$(ls "${VFBUF_CACHE:-$HOME/.cache/vfbuf}"/ksrc/*/.complete 2> /dev/null)" ] ||
		skip "no unpacked kernel source yet (make vm-kernel KERNEL=iommufd)"
	frag=$BATS_TEST_TMPDIR/bad.config
	# a made-up option: Kconfig never offers it
	{ cat "$BATS_TEST_DIRNAME/iommufd.config"; echo CONFIG_VFBUF_NO_SUCH_OPTION=y; } > "$frag"
	name=$(VFBUF_KCONFIG_FRAGMENT=$frag "$BATS_TEST_DIRNAME/build-kernel" --print-key | sed -n 's/^name //p')
	[ -n "$name" ]
	run env VFBUF_KCONFIG_FRAGMENT="$frag" "$BATS_TEST_DIRNAME/build-kernel"
	rm -rf "${VFBUF_CACHE:-$HOME/.cache/vfbuf}/kbuild/$name"
	assert_failure 1
	assert_line --partial "Kconfig dropped CONFIG_VFBUF_NO_SUCH_OPTION=y"
	assert_line --partial "error: the config lost options of $frag"
}
