# The Debian packages (debian/): vfbuf and vfbuf-sim-dkms.
#   make deb         build them in a copy of the tree under build/deb/, run
#                    lintian (an error or a warning fails), print the .debs'
#                    paths, vfbuf's last (scripts/deb)
#   make check-deb   build them, install vfbuf on this machine (root), test
#                    the installed vfbuf, remove it (tests/deb/deb.bats)
#   make check-dkms  build them, install vfbuf-sim-dkms in an overlay of the
#                    rig kernel's build chroot, where DKMS builds vfbuf_sim;
#                    boot the rig on that module and run series.bats
#                    (tests/deb/dkms-rig)
.PHONY: deb check-deb check-dkms

deb:
	@scripts/deb

check-deb: deb vfbuf
	@scripts/deps test deb
	$(BATS) tests/deb

check-dkms: deb vfbuf vm-helpers
	@scripts/deps vm sim
	tests/deb/dkms-rig
