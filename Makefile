# The two commands a new user needs (README): `make demo` and `make test`.
# Both install the missing Debian packages first (as root, or through sudo).

DEB_PACKAGES := cmake make gcc pkg-config libvectorscan-dev libyaml-dev libsqlite3-dev \
                libssl-dev libpcre2-dev libcmocka-dev libarchive-dev libexpat1-dev \
                libmicrohttpd-dev libjansson-dev jq python3 zstd \
                libpq-dev libmariadb-dev libxlsxwriter-dev postgresql postgresql-client mariadb-server \
                mariadb-client chromium fonts-wqy-microhei unzip
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
TEST_BUILD ?= build-test
RELEASE_BUILD ?= build-release
SARIF_DIR ?= $(CURDIR)/$(BUILD)/sarif
# Warnings are errors in CI (.ci/run sets WERROR=ON); users' builds only warn.
WERROR ?= OFF

.PHONY: all deps build demo test test-release test-fast tsan clean fuzz fuzz-run bench-deps bench bench-linear bench-inventory sarif-deps

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
	@echo "== shuan scan examples/ (the first findings, then the summary) =="
	@./$(BUILD)/shuan scan --no-store --format text examples/ > $(BUILD)/demo.txt; rc=$$?; \
	  awk 'NR <= 20; /== shuan scan summary/ { s = 1; if (NR > 21) print "  …" } s && NR > 20' $(BUILD)/demo.txt; \
	  [ $$rc -le 1 ]

# The SARIF 2.1.0 validator the tests run on every SARIF they write: ajv and
# the schema from the npm registry, pinned by tools/sarif/package-lock.json,
# installed into the build directory (node and npm from Debian when the
# machine has none).
sarif-deps:
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory deps DEB_PACKAGES="nodejs npm"
	@mkdir -p $(SARIF_DIR) && cp tools/sarif/package.json tools/sarif/package-lock.json tools/sarif/validate.js $(SARIF_DIR)/
	@[ -f $(SARIF_DIR)/node_modules/.ok ] && cmp -s tools/sarif/package-lock.json $(SARIF_DIR)/node_modules/.ok || \
	  { (cd $(SARIF_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) && \
	    cp tools/sarif/package-lock.json $(SARIF_DIR)/node_modules/.ok; }

# The whole suite under ASan+UBSan, through ctest.
test: deps
	$(MAKE) --no-print-directory sarif-deps SARIF_DIR=$(CURDIR)/$(TEST_BUILD)/sarif
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DENABLE_SANITIZERS=ON -DENABLE_WERROR=$(WERROR) >/dev/null
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# The same suite on an optimised Release build (what users install; -O3
# finds warnings and undefined behaviour that -O0 hides).
test-release: deps
	$(MAKE) --no-print-directory sarif-deps SARIF_DIR=$(CURDIR)/$(RELEASE_BUILD)/sarif
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DENABLE_WERROR=$(WERROR) >/dev/null
	cmake --build $(RELEASE_BUILD) -j $(JOBS)
	cd $(RELEASE_BUILD) && ctest --output-on-failure -j $(JOBS)

# The same suite without sanitizers, for quick iteration.
test-fast: build
	$(MAKE) --no-print-directory sarif-deps SARIF_DIR=$(CURDIR)/$(BUILD)/sarif
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer over the parallel scan tests (heavier; not in `make test`).
tsan: deps
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-fsanitize=thread \
	  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread >/dev/null
	cmake --build build-tsan -j $(JOBS)
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -R 'jobs|interrupt|scanner'

# libFuzzer binaries (clang, ASan+UBSan, coverage on the whole library) in
# build-fuzz/fuzz/fuzz_<name>; `make fuzz-run FUZZ_SECONDS=600` runs each in
# turn on a scratch copy of its seed corpus (fuzz/corpus/<name>/ is never
# written; copy interesting new inputs there by hand). Crashers land in
# build-fuzz/artifacts/.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_CC ?= clang

fuzz: deps
	CC=$(FUZZ_CC) cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DBUILD_FUZZERS=ON -DBUILD_TESTS=OFF -DBUILD_CLI=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz-run: fuzz
	@set -e; mkdir -p $(FUZZ_BUILD)/artifacts; \
	for src in fuzz/fuzz_*.c; do \
	  t=$$(basename $$src .c); n=$${t#fuzz_}; \
	  work=$(FUZZ_BUILD)/corpus/$$n; mkdir -p $$work; \
	  echo "== $$t for $(FUZZ_SECONDS) s"; \
	  SHUAN_RULES=$(CURDIR)/rules ./$(FUZZ_BUILD)/fuzz/$$t $$work fuzz/corpus/$$n \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=25 \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- -print_final_stats=1; \
	done

# Tools the benchmark compares against (bench/run); not needed for tests.
BENCH_PACKAGES := ripgrep yara time python3 python3-yaml bc

bench-deps:
	@$(MAKE) --no-print-directory deps DEB_PACKAGES="$(BENCH_PACKAGES)"

bench: build bench-deps
	bench/run

# One-line against multi-line forms of the same data (docs/benchmarks.md, Linearity).
bench-linear: build bench-deps
	bench/linear

# shuan inventory --full against psql COPY on a throwaway PostgreSQL (docs/benchmarks.md).
bench-inventory: build bench-deps
	bench/inventory_pg

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(RELEASE_BUILD) $(FUZZ_BUILD) build-tsan
