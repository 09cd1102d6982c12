#!/usr/bin/env bats
# The command line: dispatch, global options, usage errors, exit codes.
load helpers

@test "--help lists the commands and exit codes" {
	run "$VFBUF" --help
	assert_success
	assert_output --partial "Usage: vfbuf [OPTION...] COMMAND [ARGS...]"
	for c in list stat maps-decode; do
		assert_line --regexp "^  $c +[A-Z]"
	done
	assert_output --partial "69 the running"
}

@test "--version prints the version from VERSION" {
	run "$VFBUF" --version
	assert_success
	assert_output "vfbuf $(cat "$TOP/VERSION")"
}

@test "--version -v also names the running kernel" {
	run "$VFBUF" --version -v
	assert_success
	assert_line --index 1 --partial "kernel $(uname -r)"
}

@test "no command is a usage error (exit 2)" {
	run --separate-stderr "$VFBUF"
	assert_failure 2
	assert_equal "$stderr" "vfbuf: no command given
hint: try 'vfbuf --help'"
}

@test "commands match exactly: a prefix is not a command" {
	run --separate-stderr "$VFBUF" lis
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: 'lis': unknown command"
}

@test "unknown option after a command: vfbuf: CMD: message, exit 2" {
	run --separate-stderr "$VFBUF" list --bogus
	assert_failure 2
	assert_equal "$stderr" "vfbuf: list: unrecognized option '--bogus'
hint: try 'vfbuf list --help'"
	assert_equal "$output" ""
}

@test "missing option argument is a usage error" {
	run --separate-stderr "$VFBUF" stat --pid
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: stat: option '--pid' requires an argument"
}

@test "-J before or after the command gives the same JSON" {
	run vf -J list
	assert_success
	local before=$output
	run vf list -J
	assert_success
	assert_equal "$output" "$before"
	jq_ok '.devices | length == 4'
}

@test "usage errors are JSON with -J, on stdout" {
	run --separate-stderr "$VFBUF" -J list --bogus
	assert_failure 2
	assert_equal "$stderr" ""
	jq_ok '.error[0].command == "list" and .error[0].exit == 2 and (.error[0].what | test("--bogus"))'
}

@test "command errors are JSON with -J" {
	run --separate-stderr vf -J maps-decode 999999
	assert_failure 1
	jq_ok '.error[0].what == "reading the maps of process 999999" and (.error[0].why | test("ESRCH"))'
}

@test "--sysroot pointing nowhere fails clearly" {
	run --separate-stderr "$VFBUF" --sysroot /nonexistent list
	assert_failure 1
	assert_equal "$(echo "$stderr" | head -1)" \
		"vfbuf: list: reading /nonexistent/sys/bus/pci/devices: No such file or directory (ENOENT)"
	[[ "$stderr" == *$'\nhint: check --sysroot' ]]
}

@test "-s is parsed by libpci: bad selectors are usage errors" {
	run --separate-stderr vf list -s 99999:1
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: list: -s '99999:1': Invalid bus number"
	run --separate-stderr vf list -d xyz:1
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: list: -d 'xyz:1': Invalid vendor ID"
}

@test "-o with an unknown column is a usage error" {
	run --separate-stderr vf list -o BDF,NOPE
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: list: --output 'NOPE': unknown column"
}

@test "a write error on stdout is reported, not lost" {
	[ -w /dev/full ] || skip "no /dev/full here"
	run --separate-stderr bash -c '"$0" --sysroot "$1" list --all > /dev/full' "$VFBUF" "$FIX"
	assert_failure 1
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: list: writing standard output: No space left on device (ENOSPC)"
}

@test "--version -v: the series revisions, and what each VFIO device's driver declares" {
	run vf --version -v
	assert_success
	assert_line "series revisions known: v1 v2 v4 v5; --uapi auto (default)"
	assert_line "device 0000:00:03.0 driver vfio-pci: series none (none: not declared; not probed (the device is not open))"
	assert_line "device 0000:05:00.0 driver vfbuf_sim: series v4 (declared: declared by driver vfbuf_sim)"
	run vf --uapi none --version -v
	assert_line "device 0000:05:00.0 driver vfbuf_sim: series none (none: --uapi none)"
	run vf --uapi v1 --version -v
	assert_line "device 0000:05:00.0 driver vfbuf_sim: series v1 (given: given by --uapi)"
	run vf --uapi v3 --version -v
	assert_line "device 0000:00:03.0 driver vfio-pci: series v4 (given: given by --uapi)"
}

@test "VFBUF_UAPI is the default of --uapi; --uapi wins; an unknown one is a usage error" {
	VFBUF_UAPI=none run vf --version -v
	assert_success
	assert_line "series revisions known: v1 v2 v4 v5; --uapi none (VFBUF_UAPI)"
	assert_line "device 0000:05:00.0 driver vfbuf_sim: series none (none: --uapi none (from VFBUF_UAPI))"
	VFBUF_UAPI=none run vf --uapi auto --version -v
	assert_line "device 0000:05:00.0 driver vfbuf_sim: series v4 (declared: declared by driver vfbuf_sim)"
	VFBUF_UAPI=v9 run --separate-stderr "$VFBUF" list
	assert_failure 2
	assert_equal "$stderr" "vfbuf: list: VFBUF_UAPI 'v9': unknown revision
hint: set it to one of auto, none, v1, v2, v3 (= v4), v4, v5, unset it, or give --uapi"
	# --uapi wins over a bad variable, and --help works whatever it says
	VFBUF_UAPI=v9 run vf list --uapi none -o BDF -n
	assert_success
	VFBUF_UAPI=v9 run "$VFBUF" --help
	assert_success
	VFBUF_UAPI=v9 run "$VFBUF" list --help
	assert_success
}

@test "--uapi rejects an unknown revision" {
	run --separate-stderr "$VFBUF" --uapi v9 list
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: --uapi 'v9': unknown revision (auto, none, v1, v2, v3 (= v4), v4, v5)"
}

@test "list: SERIES, SERIESHOW and SERIESWHY say which revision and how it is known" {
	run vf list -o BDF,SERIES,SERIESHOW,SERIESWHY -J
	assert_success
	jq_ok '.devices[] | select(.bdf == "0000:05:00.0") | .series == "v4" and .serieshow == "declared" and .serieswhy == "declared by driver vfbuf_sim"'
	jq_ok '.devices[] | select(.bdf == "0000:00:03.0") | .series == null and .serieshow == "none" and (.serieswhy | startswith("not declared; not probed"))'
	run vf --uapi v5 list -o BDF,SERIES,SERIESHOW -r -n
	assert_line "0000:00:03.0 v5 given"
}

@test "commands that need a device say so when none is selected" {
	run --separate-stderr vf export --bar 0
	assert_failure 2
	assert_equal "$stderr" "vfbuf: export: selecting a device: none named
hint: name one with -s BDF or -d VENDOR:DEVICE"
}

@test "a selector matching several devices is refused, naming them" {
	run --separate-stderr vf export -d 10de: --bar 0
	assert_failure 2
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: export: -d 10de: (0000:01:00.0 0000:01:00.1): matches several devices"
}

@test "a device not bound to vfio-pci: the hint shows the driver_override commands (after saying it is in use)" {
	run --separate-stderr vf export -s 02:00.0 --bar 0
	assert_failure 1
	assert_equal "$stderr" "vfbuf: export: 0000:02:00.0: not bound to a VFIO driver (e1000e): bound to another driver, and in use
hint: 0000:02:00.0 IS IN USE: network interface enp2s0 is up; unbinding it from e1000e takes that away from this host.
Only if you mean that, bind it to vfio-pci (as root):
  echo vfio-pci > /sys/bus/pci/devices/0000:02:00.0/driver_override
  echo 0000:02:00.0 > /sys/bus/pci/devices/0000:02:00.0/driver/unbind
  echo 0000:02:00.0 > /sys/bus/pci/drivers_probe"
}

@test "a non-viable group names the devices in the way" {
	run --separate-stderr vf export -s 01:00.0 --bar 0
	assert_failure 1
	assert_equal "$stderr" "vfbuf: export: IOMMU group 7 of 0000:01:00.0: group not viable
hint: unbind these from their drivers, or bind them to vfio-pci too: 0000:01:00.1(snd_hda_intel)"
}

@test "/dev/vfio/vfio that is not a VFIO container is named as such" {
	run --separate-stderr vf export -s 00:03.0 --bar 0
	assert_failure 1
	assert_equal "$(echo "$stderr" | head -1)" "vfbuf: export: $FIX/dev/vfio/vfio: not a VFIO container (VFIO_GET_API_VERSION): Inappropriate ioctl for device (ENOTTY)"
}

@test "-J wins over -r and -n: still JSON" {
	run vf -J list -r -n -o BDF -s 00:03.0
	assert_success
	jq_ok '.devices[0].bdf == "0000:00:03.0"'
}
