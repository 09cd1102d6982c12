# The Debian package (debian/): make deb builds it in a copy of the tree
# under build/deb/, runs lintian (an error or a warning fails) and prints
# the .deb's path (scripts/deb); make check-deb builds it, installs it on
# this machine (root), tests the installed vfbuf and removes it
# (tests/deb/deb.bats).
.PHONY: deb check-deb

deb:
	@scripts/deb

check-deb: deb vfbuf
	@scripts/deps test deb
	$(BATS) tests/deb
