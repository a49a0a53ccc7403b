# stageset-agent: build, test and package.
#
#   make deb      release binary (static Swift stdlib, stripped) -> out/stageset-agent_<version>_<arch>.deb
#   make test     the whole test suite (scripts/test.sh)
#   make bench    release build of the benchmarks, then run them (apply, decrypt, daemon; see docs/benchmarks.md)
#   make manpage  out/stageset-agent.8 from the debug binary's --help texts
#   make clean    remove out/
#
# Needs: swift, dpkg-dev (dpkg-deb, dpkg-shlibdeps), binutils (strip), gzip.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := deb
.ONESHELL:

SWIFT ?= swift
# Release builds use their own scratch directory: `swift test` holds a lock on .build for its whole
# run, so a test that calls `make deb` would wait forever on a release build inside .build.
SCRATCH ?= .build-release
RELEASE_FLAGS := -c release --static-swift-stdlib -Xlinker -z -Xlinker now --scratch-path $(SCRATCH)
PACKAGE := stageset-agent
VERSION := $(shell sed -n 's/.*static let current = "\([^"]*\)".*/\1/p' Sources/stageset-agent/AgentVersion.swift)
ARCH := $(shell dpkg --print-architecture)
MAINTAINER ?= stageset-agent maintainers <stageset-agent@stageset-agent.invalid>
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH

OUT := out
STAGING := $(OUT)/deb
ROOT := $(STAGING)/$(PACKAGE)
DEB := $(OUT)/$(PACKAGE)_$(VERSION)_$(ARCH).deb
DOCS := README.md docs/configuration.md docs/sources.md docs/rollout.md docs/decryption.md docs/rollback.md docs/daemon.md docs/systemd.md docs/architecture.md

.PHONY: deb release test bench manpage clean

## The release binary, built once per source change.
release:
	@test -n "$(VERSION)" || { echo "cannot read the version from Sources/stageset-agent/AgentVersion.swift" >&2; exit 1; }
	$(SWIFT) build $(RELEASE_FLAGS) --product $(PACKAGE)

deb: release
	bin="$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/$(PACKAGE)"
	rm -rf "$(STAGING)"
	install -d -m 0755 "$(ROOT)/DEBIAN" "$(ROOT)/usr/bin" "$(ROOT)/usr/lib/systemd/system" "$(ROOT)/usr/lib/systemd/catalog" \
		"$(ROOT)/usr/share/doc/$(PACKAGE)" "$(ROOT)/usr/share/man/man8" "$(ROOT)/usr/share/lintian/overrides" \
		"$(ROOT)/etc/default" "$(ROOT)/etc/$(PACKAGE)" "$(ROOT)/etc/$(PACKAGE)/stagesets"
	install -d -m 0700 "$(ROOT)/etc/$(PACKAGE)/secrets"
	# The binary, stripped the way dh_strip does it.
	install -m 0755 "$$bin" "$(ROOT)/usr/bin/$(PACKAGE)"
	strip --remove-section=.comment --remove-section=.note "$(ROOT)/usr/bin/$(PACKAGE)"
	# systemd unit and journal catalog.
	install -m 0644 systemd/$(PACKAGE).service "$(ROOT)/usr/lib/systemd/system/"
	install -m 0644 systemd/$(PACKAGE).catalog "$(ROOT)/usr/lib/systemd/catalog/"
	# Configuration (conffiles).
	install -m 0644 etc/$(PACKAGE)/stagesets/example.yaml.disabled "$(ROOT)/etc/$(PACKAGE)/stagesets/"
	install -m 0644 etc/$(PACKAGE)/secrets/README "$(ROOT)/etc/$(PACKAGE)/secrets/"
	install -m 0644 packaging/default/$(PACKAGE) "$(ROOT)/etc/default/$(PACKAGE)"
	# Documentation, copyright, changelog, man page.
	install -m 0644 $(DOCS) "$(ROOT)/usr/share/doc/$(PACKAGE)/"
	install -m 0644 packaging/copyright "$(ROOT)/usr/share/doc/$(PACKAGE)/copyright"
	printf '%s (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
		"$(PACKAGE)" "$(VERSION)" "$(VERSION)" "$(MAINTAINER)" "$$(date -u -R -d @$(SOURCE_DATE_EPOCH))" \
		| gzip -9n > "$(ROOT)/usr/share/doc/$(PACKAGE)/changelog.gz"
	packaging/build-manpage.sh "$(ROOT)/usr/bin/$(PACKAGE)" | gzip -9n > "$(ROOT)/usr/share/man/man8/$(PACKAGE).8.gz"
	install -m 0644 packaging/lintian-overrides "$(ROOT)/usr/share/lintian/overrides/$(PACKAGE)"
	# Maintainer scripts and conffiles.
	install -m 0755 packaging/postinst packaging/prerm packaging/postrm "$(ROOT)/DEBIAN/"
	install -m 0644 packaging/conffiles "$(ROOT)/DEBIAN/conffiles"
	# Depends: the shared libraries the binary really links (dpkg-shlibdeps), plus git.
	mkdir -p "$(STAGING)/debian"
	printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$(PACKAGE)" "$(PACKAGE)" > "$(STAGING)/debian/control"
	shlibs="$$(cd "$(STAGING)" && dpkg-shlibdeps -O -e"$(PACKAGE)/usr/bin/$(PACKAGE)" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
	test -n "$$shlibs" || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }
	size="$$(du -sk --apparent-size --exclude=DEBIAN "$(ROOT)" | cut -f1)"
	sed -e "s|@VERSION@|$(VERSION)|" -e "s|@ARCH@|$(ARCH)|" -e "s|@MAINTAINER@|$(MAINTAINER)|" \
		-e "s|@INSTALLED_SIZE@|$$size|" -e "s|@DEPENDS@|$$shlibs, git|" packaging/control.in > "$(ROOT)/DEBIAN/control"
	(cd "$(ROOT)" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) > "$(ROOT)/DEBIAN/md5sums"
	chmod 0644 "$(ROOT)/DEBIAN/md5sums"
	find "$(ROOT)" -newermt "@$(SOURCE_DATE_EPOCH)" -exec touch --no-dereference --date="@$(SOURCE_DATE_EPOCH)" {} +
	dpkg-deb --root-owner-group -Zxz --build "$(ROOT)" "$(DEB)"
	@echo "built $(DEB) ($$(du -h "$(DEB)" | cut -f1))"

test:
	scripts/test.sh

bench: deb
	$(SWIFT) build $(RELEASE_FLAGS) --product stageset-agent-bench
	$(SWIFT) build $(RELEASE_FLAGS) --product kube-emulator
	bin="$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)"
	"$$bin/stageset-agent-bench" apply
	"$$bin/stageset-agent-bench" decrypt
	"$$bin/stageset-agent-bench" daemon --deb "$(DEB)"

manpage:
	$(SWIFT) build --product $(PACKAGE)
	mkdir -p "$(OUT)"
	packaging/build-manpage.sh "$$($(SWIFT) build --show-bin-path)/$(PACKAGE)" > "$(OUT)/$(PACKAGE).8"

clean:
	rm -rf "$(OUT)"
