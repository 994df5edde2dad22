"""The leak guard: per set, every hit with its solution file and line, hints and mistake explanations
scanned, an allow-list in set.toml, run by `grade dev check` too; and publish's dependencies."""
from grader.cli import main
from grader.instructor import publish

LINE = "return [k * x for x in xs]"      # solutions/toy/scale.py's solution line


def test_every_hit_is_reported_with_its_solution_line(toy, tmp_path, capsys):
    (toy / "exercises" / "toy" / "README.md").write_text(f"Cheat:\n    {LINE}\nand\n    self.total += x\n")
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text().replace('hints = ["Use += so', 'hints = ["Write `self.total += x`. Use += so'))
    mistakes = toy / "solutions" / "toy" / "mistakes.toml"
    mistakes.write_text(mistakes.read_text().replace('why = "adds k', f'why = "writes k + x where {LINE} belongs; adds k'))
    assert main(["dev", "record", "--root", str(toy)]) == 0
    assert main(["publish", "toy", "--out", str(tmp_path / "b"), "--root", str(toy)]) == 2
    out = capsys.readouterr().out.replace("\n", " ")
    assert "4 line(s)" in out and not (tmp_path / "b").exists()
    assert "exercises/toy/README.md:2" in out and "exercises/toy/README.md:4" in out
    assert "solutions/toy/scale.py:" in out and "solutions/toy/counter.py:" in out
    assert "exercises/toy/set.toml:" in out and "mistake scale/adds-instead" in out
    assert main(["dev", "check", "--root", str(toy)]) == 1
    assert "toy: no solution line in what students get" in capsys.readouterr().out


def test_an_allowed_line_ships(toy, tmp_path):
    (toy / "exercises" / "toy" / "README.md").write_text(f"The answer, on purpose:\n    {LINE}\n")
    manifest = toy / "exercises" / "toy" / "set.toml"
    manifest.write_text(manifest.read_text() + f'\n[leaks]\nallow = ["{LINE}"]\n')
    assert main(["dev", "record", "--root", str(toy)]) == 0
    assert main(["publish", "toy", "--out", str(tmp_path / "b"), "--root", str(toy)]) == 0


def test_a_line_of_one_set_never_blocks_another(toy, tmp_path):
    assert main(["dev", "new", "intro", "--root", str(toy)]) == 0
    (toy / "exercises" / "intro" / "README.md").write_text(f"Another set may say:\n    {LINE}\n")
    assert main(["publish", "intro", "--out", str(tmp_path / "b"), "--root", str(toy)]) == 0


def test_publish_declares_the_installed_dependencies_whatever_the_install_mode(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "ENGINE", tmp_path / "site-packages" / "grader")   # no pyproject.toml beside it

    class Course:
        title = "T"
    text = publish._pyproject(Course())
    assert '"watchfiles' in text and '"tomli>=2; python_version < \\"3.11\\""' in text and '"torch' in text
    assert "pytest" not in text
