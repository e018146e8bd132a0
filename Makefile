# floe's entry points. `make serve` and `make test` work on a fresh Debian 12 machine.
JOBS ?= $(shell nproc)
# Let ccache share results between checkouts at different paths (CI clones afresh).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: deps configure build test unit-test asan-test fuzz interop-test serve bench format clean

deps:
	@bash scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

# Every test: unit and integration tests, the ASan/UBSan run of the format tests,
# bounded fuzzing of the untrusted-byte parsers, and interop tests against DuckDB.
test: build
	bash scripts/run-tests

unit-test: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure

asan-test: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLOE_SANITIZE=ON -DFLOE_BENCH=OFF
	cmake --build build-asan -j $(JOBS) --target floe_tests floe
	bash scripts/run-tests --asan-only

fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOE_FUZZ=ON -DFLOE_ONLY='common/|columnar/|io/|wal/|format/|ingest/validator'
	cmake --build build-fuzz -j $(JOBS) --target fuzz_all
	bash scripts/run-fuzz $${FUZZ_SECONDS:-20}

serve: build
	./$(BUILD)/floe serve

bench: build
	bash scripts/run-bench

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf build build-asan build-fuzz
