# The two commands a new user needs (README): `make demo` and `make test`.
# Both install the missing Debian packages first (as root, or through sudo).

DEB_PACKAGES := cmake make gcc pkg-config libvectorscan-dev libyaml-dev libsqlite3-dev \
                libssl-dev libpcre2-dev libcmocka-dev libarchive-dev libexpat1-dev \
                libmicrohttpd-dev jq python3 zstd
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
TEST_BUILD ?= build-test

.PHONY: all deps build demo test test-fast clean

all: build

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  SUDO=; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# Scans the bundled synthetic sample data and prints the summary.
# Exit code 1 only means "findings were found", which is the point of the demo.
demo: build
	./$(BUILD)/shuan scan --no-store --format text examples/ ; rc=$$?; [ $$rc -le 1 ]

# The whole suite under ASan+UBSan, through ctest.
test: deps
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DENABLE_SANITIZERS=ON >/dev/null
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# The same suite without sanitizers, for quick iteration.
test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) $(TEST_BUILD)
