# Set-up and checks for a fresh clone. Python packages install into the clone's .venv folders;
# ansible-test keeps its own virtual environments and pip bootstrap under ~/.ansible/test.
PYTHON ?= python3.11
# The newest ansible-core needs Python 3.12 or newer. pyenv keeps 3.13 off PATH on these machines.
PYTHON_NEWEST ?= $(or $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13))),python3.13)
VENV := .venv
BIN := $(VENV)/bin
NEWEST_BIN := .venv-newest/bin
GATES_BIN := .venv-gates/bin
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/alicloud/kms
# Real copies of the collection: ansible-test resolves symbolic links, and ansible-lint must not read
# the virtual environments that ansible-test leaves in tests/output.
TEST_ROOT := .build/ansible-test
TEST_TREE := $(TEST_ROOT)/ansible_collections/alicloud/kms
LINT_ROOT := .build/lint
LINT_TREE := $(LINT_ROOT)/ansible_collections/alicloud/kms
# pytest exits 5 when it collects no tests, as a run filtered down to nothing does: not a failure.
NO_TESTS_OK := || test $$? -eq 5

.PHONY: demo test unit integration gates sanity ansible-test-units lint docs-lint changelog-lint \
	ee-check test-tree lint-tree bench clean

$(BIN)/activate: requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r tests/requirements.txt
	touch $@

$(NEWEST_BIN)/activate: tests/gates/requirements-newest.txt
	$(PYTHON_NEWEST) -m venv .venv-newest
	$(NEWEST_BIN)/python -m pip install --quiet --upgrade pip
	$(NEWEST_BIN)/python -m pip install --quiet -r tests/gates/requirements-newest.txt
	touch $@

$(GATES_BIN)/activate: tests/gates/requirements.txt
	$(PYTHON) -m venv .venv-gates
	$(GATES_BIN)/python -m pip install --quiet --upgrade pip
	$(GATES_BIN)/python -m pip install --quiet -r tests/gates/requirements.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

# Start the emulator with fresh accounts and run the example playbook against it.
demo: $(BIN)/activate $(COLLECTION_LINK)
	$(BIN)/python tests/demo/run_demo.py

test: unit integration gates

# Time the in-process and module paths against ansible.builtin.ping over emulated accounts, and count
# the API calls per account. Not part of make test: it takes about 20 minutes on two cores. Pass
# options with BENCH_ARGS, such as BENCH_ARGS="--sizes 100 --forks 10 --repeat 5".
bench: $(BIN)/activate $(COLLECTION_LINK)
	$(BIN)/python tests/benchmark/bench.py $(BENCH_ARGS)

unit: $(BIN)/activate $(COLLECTION_LINK)
	$(BIN)/python -m pytest tests/unit tests/kms_emulator/tests -q $(NO_TESTS_OK)

integration: $(BIN)/activate $(COLLECTION_LINK)
	$(BIN)/python -m pytest tests/integration -q -n 2 $(NO_TESTS_OK)

# What a Galaxy or Automation Hub reviewer runs, on ansible-core 2.19 (Python 3.11) and the newest
# ansible-core (Python 3.13).
gates: sanity ansible-test-units lint docs-lint changelog-lint ee-check

test-tree: $(BIN)/activate $(NEWEST_BIN)/activate
	$(BIN)/python tests/gates/copy_collection.py . $(TEST_TREE)
	$(BIN)/python tests/gates/pip_bootstrap.py
	$(NEWEST_BIN)/python tests/gates/pip_bootstrap.py

lint-tree: $(BIN)/activate
	$(BIN)/python tests/gates/copy_collection.py . $(LINT_TREE)

sanity: test-tree
	cd $(TEST_TREE) && $(CURDIR)/$(BIN)/ansible-test sanity --venv --python 3.11 --color no
	cd $(TEST_TREE) && $(CURDIR)/$(NEWEST_BIN)/ansible-test sanity --venv --python 3.13 --color no

ansible-test-units: test-tree
	cd $(TEST_TREE) && $(CURDIR)/$(BIN)/ansible-test units --venv --python 3.11 --color no
	cd $(TEST_TREE) && $(CURDIR)/$(NEWEST_BIN)/ansible-test units --venv --python 3.13 --color no

# --offline: no collection installs and no version check, since only the package index is reachable.
lint: $(GATES_BIN)/activate lint-tree
	cd $(LINT_TREE) && PATH=$(CURDIR)/$(GATES_BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(LINT_ROOT) \
		ansible-lint --profile production --offline --nocolor

docs-lint: $(GATES_BIN)/activate lint-tree
	cd $(LINT_TREE) && PATH=$(CURDIR)/$(GATES_BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(LINT_ROOT) \
		antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all .
	@echo "antsibull-docs: the collection's documentation passed"

changelog-lint: $(GATES_BIN)/activate
	$(GATES_BIN)/antsibull-changelog lint
	@echo "antsibull-changelog: the changelog fragments passed"

ee-check: $(GATES_BIN)/activate lint-tree
	PATH=$(CURDIR)/$(GATES_BIN):$$PATH $(GATES_BIN)/python tests/gates/check_ee.py $(LINT_ROOT) .build/ee-context

clean:
	rm -rf $(VENV) .venv-newest .venv-gates .build .pytest_cache tests/output
