"""Issue 17: the command line as a new user meets it. Global options where users type them,
values checked before any work, output paths by one rule, Ctrl-C that says how to resume.
(Progress: test_progress.py; the docs' own examples: test_docs.py.)"""

from __future__ import annotations

import ast
import json
import logging
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SEEDS
from test_exit_codes import assert_one_line_error, normalise

from normalise.cli.app import cli


@pytest.fixture(autouse=True)
def _restore_logging():
    """-q and -v set the root logger's level; give other tests theirs back."""
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


# 1. -q, -v and --models-dir before and after the subcommand


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_works_before_and_after_the_subcommand(tmp_path, tiny_store, where):
    out = tmp_path / "x.jsonl"
    run = ["run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store)]
    args = ["-q", *run] if where == "before" else [*run, "-q"]
    result = normalise(*args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no summary, no progress
    assert len(out.read_text().splitlines()) == 5


def test_vv_after_the_subcommand_shows_the_traceback(tmp_path):
    from test_exit_codes import BOOM

    result = normalise("run", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), "-vv", code=BOOM)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "simulated bug" in result.stderr


def test_models_dir_before_the_subcommand(tmp_path, tiny_store):
    out = tmp_path / "x.jsonl"
    result = invoke("--models-dir", str(tiny_store), "run", str(SEEDS), "-o", str(out))
    assert result.exit_code == 0, result.output
    statuses = [json.loads(line)["status"] for line in out.read_text().splitlines()]
    assert statuses.count("translated") == 2
    listed = invoke("--models-dir", str(tiny_store), "models", "list")
    assert "translate-it_en-1_0" in listed.output
    assert "translate-it_en-1_0" in invoke("models", "list", "--models-dir", str(tiny_store)).output


def test_the_flag_wins_over_the_environment(tmp_path, tiny_store):
    """As models/README.md says: --models-dir, then $NORMALISE_MODELS_DIR, then XDG."""
    empty = tmp_path / "empty-store"
    empty.mkdir()
    out = tmp_path / "x.jsonl"
    result = invoke(
        "run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store),
        env={"NORMALISE_MODELS_DIR": str(empty)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output


# 2. a missing extra is a configuration error, not a bug

BLOCK = "import sys\nsys.modules[{name!r}] = None  # as if not installed"


def test_engine_ray_without_ray_is_exit_2_naming_the_extra(tmp_path):
    out = tmp_path / "x.jsonl"
    result = normalise(
        "run", str(SEEDS), "-o", str(out), "--engine", "ray", code=BLOCK.format(name="ray")
    )
    assert_one_line_error(result, "--engine ray", "pip install 'normalise[ray]'")
    assert not out.exists()


def test_parquet_without_pyarrow_is_exit_2_before_the_run(tmp_path):
    result = normalise(
        "run", str(SEEDS), "-o", str(tmp_path / "c.parquet"), "-f", "parquet",
        code=BLOCK.format(name="pyarrow"),
    )  # fmt: skip
    assert_one_line_error(result, "pip install 'normalise[parquet]'")


# 3. values that cannot be right are refused before any work


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, tiny_store) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    result = CliRunner().invoke(
        cli, ["run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_lang_is_case_insensitive(corpus, tmp_path):
    upper = invoke(
        "export", str(corpus), "-f", "tmx", "--lang", "IT", "-o", str(tmp_path / "u.tmx")
    )
    lower = invoke(
        "export", str(corpus), "-f", "tmx", "--lang", "it", "-o", str(tmp_path / "l.tmx")
    )
    assert upper.exit_code == lower.exit_code == 0
    assert "tmx: 0 " not in upper.output
    assert (tmp_path / "u.tmx").read_bytes() == (tmp_path / "l.tmx").read_bytes()


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["export", "CORPUS", "-f", "tmx", "--lang", "xx", "-o", "OUT/c.tmx"], ["--lang 'xx'"]),
        (["run", "seeds", "-o", "OUT/c.jsonl", "--lang", "und"], ["--lang 'und'"]),
        (["run", "seeds", "-o", "OUT/c.jsonl", "--assume-lang", "xx"], ["--assume-lang 'xx'"]),
        (
            ["run", "seeds", "-o", "OUT/c.jsonl", "--models-dir", "/nonexistent"],
            ["--models-dir /nonexistent does not exist", "normalise models install"],
        ),
        (
            ["--models-dir", "/nonexistent", "run", "seeds", "-o", "OUT/c.jsonl"],
            ["--models-dir /nonexistent does not exist"],
        ),
        (["models", "list", "--models-dir", "/nonexistent"], ["does not exist"]),
        (["run", "EMPTY", "-o", "OUT/c.jsonl"], ["no input files in", "check the path"]),
        (["run", "EMPTY.jsonl", "-o", "OUT/c.jsonl"], ["is empty"]),
    ],
)
def test_impossible_values_are_exit_2_with_one_line(corpus, tmp_path, args, fragments):
    (tmp_path / "EMPTY").mkdir()
    (tmp_path / "EMPTY" / "notes.xml").write_text("<x/>")
    (tmp_path / "EMPTY.jsonl").write_text("")
    places = {
        "seeds": str(SEEDS),
        "CORPUS": str(corpus),
        "EMPTY": str(tmp_path / "EMPTY"),
        "EMPTY.jsonl": str(tmp_path / "EMPTY.jsonl"),
    }
    args = [places.get(a, a.replace("OUT", str(tmp_path / "out"))) for a in args]
    result = normalise(*args)
    assert_one_line_error(result, *fragments)
    assert not (tmp_path / "out").exists()  # nothing started


def test_environment_store_must_exist_too(tmp_path):
    result = normalise(
        "run", str(SEEDS), "-o", str(tmp_path / "c.jsonl"),
        code=f"import os\nos.environ['NORMALISE_MODELS_DIR'] = {str(tmp_path / 'typo')!r}",
    )  # fmt: skip
    assert_one_line_error(result, "$NORMALISE_MODELS_DIR", "does not exist")


# 4. Ctrl-C says what was saved and the command that resumes


def test_ctrl_c_names_what_was_saved_and_the_resume_command(tmp_path, tiny_store, monkeypatch):
    from normalise.outputs import open_exporters

    out = tmp_path / "out" / "corpus.jsonl"
    args = [
        "run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store),
        "--workers", "1", "--shard-size", "1",
    ]  # fmt: skip
    write = open_exporters.write
    written: list[str] = []

    def interrupted_at_the_fourth(self, doc):
        if len(written) == 3:
            raise KeyboardInterrupt
        written.append(doc.id)
        write(self, doc)

    monkeypatch.setattr(open_exporters, "write", interrupted_at_the_fourth)
    result = CliRunner().invoke(cli, [*args, "--fresh"])
    assert result.exit_code == 130, result.output
    message = result.output.strip().splitlines()[-1]
    assert f"saved in {out}.parts" in message
    assert message.endswith("normalise " + " ".join(args))  # the same command, without --fresh
    assert not out.exists()  # the output is written whole or not at all

    monkeypatch.setattr(open_exporters, "write", write)
    resumed = CliRunner().invoke(cli, args)
    assert resumed.exit_code == 0, resumed.output
    report = json.loads(out.with_name("corpus.report.json").read_text())
    assert report["execution"]["shards_resumed"] >= 3


# 6. smaller things


def test_output_without_a_suffix_is_a_folder(tmp_path, tiny_store):
    out = tmp_path / "out"
    result = invoke("run", str(SEEDS), "-o", str(out), "--models-dir", str(tiny_store), "-q")
    assert result.exit_code == 0, result.output
    assert (out / "corpus.jsonl").is_file() and (out / "corpus.report.json").is_file()


def test_a_file_name_for_several_formats_is_refused(tmp_path):
    result = normalise(
        "run", str(SEEDS), "-o", str(tmp_path / "x.jsonl"), "-f", "jsonl", "-f", "tmx"
    )
    assert_one_line_error(result, "names a jsonl file", "give a folder")
    assert not (tmp_path / "x.jsonl").exists()


def test_every_option_has_help():
    """`run --help` did not describe --beam-size or --device."""
    import click

    commands = [cli, *cli.commands.values(), *cli.commands["models"].commands.values()]
    bare = [
        f"{command.name} {param.opts[0]}"
        for command in commands
        for param in command.params
        if isinstance(param, click.Option) and not param.help
    ]
    assert bare == []
    assert "greedy" in invoke("run", "--help").output  # --beam-size's help, as shown


def test_keep_boilerplate_summary_does_not_say_removed(tmp_path, tiny_store):
    result = invoke(
        "run", str(SEEDS), "-o", str(tmp_path / "c.jsonl"), "--models-dir", str(tiny_store),
        "--keep-boilerplate",
    )  # fmt: skip
    assert "removed:" not in result.output
    assert "boilerplate found, kept (--keep-boilerplate): 1 cookie_notice" in result.output


def test_quiet_sets_rays_log_level():
    """ray.init() takes its driver log level from us: -q must silence its start-up warning."""
    from normalise.run.engines.ray_engine import _ray_log_level

    invoke("-q", "models", "list")
    assert _ray_log_level() == logging.ERROR
    invoke("models", "list")
    assert _ray_log_level() == logging.WARNING


# the distribution names of modules whose import name differs
_DISTRIBUTIONS = {"lxml_html_clean": "lxml_html_clean"}


def _declared(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        name = requirement.split(";")[0]
        for stop in "<>=![ ":
            name = name.split(stop)[0]
        names.add(name.strip().lower().replace("-", "_"))
    return names


def test_every_module_level_import_is_a_declared_dependency():
    """numpy was imported by the core but not declared."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = _declared(project["dependencies"])
    stdlib = set(sys.stdlib_module_names)
    missing = set()
    for path in (REPO / "normalise").rglob("*.py"):
        if "testing" in path.parts:
            continue  # test helpers: their imports are in the test extra
        for node in ast.parse(path.read_text()).body:  # module level only: optional extras
            if isinstance(node, ast.Import):  # are imported inside functions
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top == "normalise" or top == "__future__":
                    continue
                if _DISTRIBUTIONS.get(top, top).lower() not in declared:
                    missing.add(f"{top} ({path.relative_to(REPO)})")
    assert not missing


def test_run_takes_its_defaults_from_settings():
    """Issue 16: one place for every default, so `run --help` and the API cannot disagree."""
    from normalise.settings import Settings
    from normalise.stages.clean.repetition import RepeatThreshold

    defaults = {param.name: param.default for param in cli.commands["run"].params}
    for option, field in [
        ("beam_size", "beam_size"),
        ("device", "device"),
        ("compute_type", "compute_type"),
        ("inter_threads", "inter_threads"),
        ("intra_threads", "intra_threads"),
        ("max_batch_tokens", "max_batch_tokens"),
        ("max_file_size", "max_file_bytes"),
    ]:
        assert defaults[option] == getattr(Settings, field), option
    threshold = RepeatThreshold.parse(defaults["repeat_threshold"])
    assert (threshold.documents, threshold.share) == (
        Settings.repeat_documents,
        Settings.repeat_share,
    )


# 5. names that say what they return


def test_record_methods_are_named_for_what_they_return():
    from normalise.record import Document, Segment, Sentence

    doc = Document(id="a", source="a.txt", status="english", lang="en", text="Hi.\u2028")
    doc.segments = [Segment("paragraph", "Hi.", 0, 3, sentences=[Sentence("Hi.", "Hi.", 0, 3)])]
    record, line = doc.to_dict(), doc.to_json_line()
    assert isinstance(record, dict) and isinstance(line, str)
    assert "\n" not in line and "\u2028" not in line  # one line for every line splitter
    assert json.loads(line) == record
    assert Document.from_dict(record).to_dict() == record
    assert doc.to_json() == record and doc.dumps() == line  # the old names, kept as aliases


def test_a_json_line_is_the_json_of_to_dict_whatever_the_objects_carry():
    """to_json_line encodes the objects' own values without copying them; an object with
    more than its fields (a document read back from a line, an attribute set later) is
    still written as to_dict says."""
    from normalise.record import Document, Removal, Segment, Sentence

    sentence = Sentence("Ciao.", "Hello.", 0, 5, flags=["x"], score=-0.5)
    sentence.note = "not a field"  # type: ignore[attr-defined]
    doc = Document(id="a", source="a.txt", status="translated", lang="it", raw_text="Ciao.")
    doc.segments = [Segment("paragraph", "Ciao.", 0, 5, "it", [sentence])]
    doc.removed = [Removal("Condividi", "share_buttons", "share", 0, 0, 9)]
    doc.metadata = {"lang_chars": {"it": 5}}
    assert doc.to_json_line() == json.dumps(doc.to_dict(), ensure_ascii=False)
    read_back = Document.from_json_line(doc.to_json_line())
    read_back.metadata = {"other": 1}  # not an addition: the record is encoded again
    assert read_back.to_json_line() == json.dumps(read_back.to_dict(), ensure_ascii=False)
    assert "raw_text" not in json.loads(doc.to_json_line())
