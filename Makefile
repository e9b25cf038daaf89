# Set-up and checks for a fresh clone. Everything installs into .venv; nothing outside the clone changes.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
COLLECTIONS := .build/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/alicloud/kms

.PHONY: demo test unit integration emulator-tests clean

$(BIN)/activate: requirements.txt tests/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r tests/requirements.txt
	touch $@

$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

# Start the emulator with fresh accounts and run the example playbook against it.
demo: $(BIN)/activate $(COLLECTION_LINK)
	$(BIN)/python tests/demo/run_demo.py

test: unit integration

unit: $(BIN)/activate $(COLLECTION_LINK)
	$(BIN)/python -m pytest tests/unit tests/kms_emulator/tests -q

integration: $(BIN)/activate $(COLLECTION_LINK)
	$(BIN)/python -m pytest tests/integration -q -n 2

clean:
	rm -rf $(VENV) .build .pytest_cache tests/output
