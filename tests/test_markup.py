"""The one LaTeX escaper, the Markdown escaper, and the identifier whitelist."""
import pytest
from hypothesis import given, strategies as st

from workedout.derivations.markup import Tex, escape_latex, escape_markdown, safe_identifier

SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"{\upshape\char36}", "&": r"\&", "#": r"\#",
            "^": r"\textasciicircum{}", "_": r"\_", "~": r"\textasciitilde{}", "%": r"\%",
            "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


@pytest.mark.parametrize("ch,expected", SPECIALS.items())
def test_each_special_is_escaped(ch, expected):
    assert escape_latex(ch) == expected


def test_hostile_strings_become_commands_not_code():
    assert escape_latex(r"\input{/etc/hostname}") == \
        r"\textbackslash{}input\{/etc/hostname\}"
    assert escape_latex("^^5cinput") == r"\textasciicircum{}\textasciicircum{}5cinput"
    assert escape_latex("a--b") == "a-{}-{}b"  # no en-dash ligature


def test_accents_greek_and_refusals():
    assert escape_latex("café") == r"caf\'{e}"
    assert escape_latex("ß") == r"\ss{}"
    assert escape_latex("μ") == r"\ensuremath{\mu}"
    assert escape_latex("A ∪ B ⇒ ∅ ✓") == (r"A \ensuremath{\cup} B \ensuremath{\Rightarrow} \ensuremath{\emptyset} "
                                          r"\ensuremath{\checkmark}")
    with pytest.raises(ValueError, match=r"item name: character '☃' \(U\+2603 SNOWMAN\) at position 2"):
        escape_latex("a☃", what="item name")
    assert escape_latex("a\x00b") == r"a\textbackslash{}x00b"  # shown as its escape, as in text
    with pytest.raises(TypeError):
        escape_latex(Tex(r"\alpha"))


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
def test_escaped_ascii_has_no_active_characters(text):
    out = escape_latex(text)
    # every special that survives is part of an escape we produced
    stripped = out
    for esc in sorted(set(SPECIALS.values()) | {"-{}", "'{}", "`{}", "?{}", "!{}", r"{\ttfamily\char34}"},
                      key=len, reverse=True):
        stripped = stripped.replace(esc, "")
    assert not set(stripped) & set("\\{}$&#^_~%<>|\"")


def test_markdown_escaping():
    assert escape_markdown("a|b *x*") == r"a\|b \*x\*"
    assert escape_markdown("<script>") == "&lt;script&gt;"
    assert escape_markdown("E-step") == "E-step"
    assert escape_markdown("# title") == r"\# title"


def test_safe_identifier():
    assert safe_identifier("mu_1") == "mu_1"
    for bad in ["x\\y", "1x", "a b", "a_b_c", "", "x}"]:
        with pytest.raises(ValueError, match="not a valid symbol name"):
            safe_identifier(bad)


def test_the_control_pattern_is_exactly_is_control():
    """escape_control finds control characters with one regular expression (fast on megabytes of output);
    it must agree with is_control on every character up to U+3000."""
    from workedout.derivations.markup import _CONTROL, is_control
    assert all(bool(_CONTROL.fullmatch(chr(o))) == is_control(chr(o)) for o in range(0x3000))
