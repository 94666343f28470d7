# Everything installs from requirements.lock (exact pins) into .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXAMPLE := examples/wexley-market

.PHONY: demo test bench eval eval-quotes train-speaker eval-facts eval-framing clean

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo: $(VENV)/.installed  ## compare the bundled example, print the summary, write report.html
	$(VENV)/bin/storylens compare $(EXAMPLE)/*.txt --html report.html

test: $(VENV)/.installed  ## run the test suite
	$(PY) -m pytest -q

bench: $(VENV)/.installed  ## speed and memory benchmark -> benchmarks/RESULTS.md
	$(PY) benchmarks/bench_compare.py

eval: $(VENV)/.installed  ## facts evaluation on the invented cases -> benchmarks/facts_eval/RESULTS.md
	$(PY) benchmarks/eval_facts.py --write

eval-quotes: $(VENV)/.installed  ## quotes/speakers/sources on PolNeAR dev + train subset, round 4's start and current
	$(PY) benchmarks/eval_quotes.py --baseline=32b957c
	$(PY) benchmarks/eval_quotes.py

train-speaker: $(VENV)/.installed  ## refit the quote-speaker ranker on polnear-train (after any rule change) -> storylens/data/quote_speakers.json
	$(PY) benchmarks/train_speaker.py --write

eval-facts: $(VENV)/.installed  ## facts on the invented cases and the blind gold sets (dev and held-out)
	$(PY) benchmarks/eval_facts.py
	PYTHONPATH=. $(PY) benchmarks/eval_facts_real.py --split all

eval-framing: $(VENV)/.installed  ## framing terms, actors and passage kinds on BASIL -> benchmarks/framing_eval/out/
	$(PY) benchmarks/eval_framing.py --split dev
	$(PY) benchmarks/eval_framing.py --split heldout

clean:
	rm -rf $(VENV) report.html
