import pytest

from grader.course.manifest import ContentError, find_root, load_course, resolve


def test_loads_the_toy_course(toy):
    c = load_course(toy)
    s = c.set("toy")
    assert c.set_names == ("toy",) and [e.name for e in s.exercises] == ["scale", "counter"]
    assert s.points == 5 and s.exercise("counter").needs == ("scale",)
    assert s.exercises[0].rules.forbid_imports == ("torch",)


def test_find_root_walks_up(toy):
    assert find_root(toy / "exercises" / "toy") == toy.resolve()
    with pytest.raises(ContentError, match="no course here"):
        find_root(toy.parent)


def test_resolve_names_what_is_unknown(toy):
    c = load_course(toy)
    assert resolve(c, "toy/scale")[1].name == "scale"
    with pytest.raises(KeyError, match="the sets are: toy"):
        resolve(c, "nope")
    with pytest.raises(KeyError, match="its exercises are: scale, counter"):
        resolve(c, "toy/nope")


@pytest.mark.parametrize("edit, needle", [
    (lambda t: t.replace('points = 3', 'points = "three"'), ":10: [points] must be int"),
    (lambda t: t.replace('title = "Scale a list"\n', ''), "[title] missing required key (exercise 'scale')"),
    (lambda t: t.replace('needs = ["scale"]', 'needs = ["later"]'), "needs 'later'"),
    (lambda t: t.replace('name = "counter"', 'name = "scale"'), "listed twice"),
    (lambda t: t.replace('name = "counter"', 'name = "random"'), "shadow a standard-library module"),
    (lambda t: t + "\n[[exercises]\n", "not valid TOML"),
])
def test_malformed_set_toml_names_file_line_and_key(toy, edit, needle):
    p = toy / "exercises" / "toy" / "set.toml"
    p.write_text(edit(p.read_text()))
    with pytest.raises(ContentError) as e:
        load_course(toy).set("toy")
    assert needle in str(e.value) and "set.toml" in str(e.value)


def test_malformed_course_toml(toy):
    (toy / "exercises" / "course.toml").write_text('title = "x"\nsets = "toy"\n')
    with pytest.raises(ContentError, match=r"course.toml:2: \[sets\] must be list"):
        load_course(toy)
