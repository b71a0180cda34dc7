"""The fast JSON writer gives exactly json.dumps(scrub_data(x), ensure_ascii=False, indent=2)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfgov_cli.privacy import Lazy, Public, scrub_data
from selfgov_cli.report.safe import json_chunks, json_text

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.sampled_from(["13812345678", "张三 13912345678", "a@b.cn", "310101199001011234", ""])
)
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
trees = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(keys, inner, max_size=5)
    ),
    max_leaves=40,
)


def expected(payload) -> str:
    return json.dumps(scrub_data(payload), ensure_ascii=False, indent=2) + "\n"


@settings(max_examples=400, deadline=None)
@given(trees)
def test_same_text_as_json_dumps(payload):
    assert json_text(payload) == expected(payload)


def test_personal_data_masked_in_values_not_keys_public_kept():
    payload = {"13812345678": ["电话 13812345678", Public("热线 021-58881234")], "n": 1.5}
    text = json_text(payload)
    assert text == expected(payload)
    assert '"13812345678": [' in text  # a key is ours, never masked
    assert "电话 ***" in text and "热线 021-58881234" in text


def test_lazy_list_is_built_item_by_item_and_streamed():
    built = []

    def build(i):
        built.append(i)
        return {"rule": "SG010", "message": f"第 {i} 行 13812345678", "row": i}

    payload = {"summary": {"errors": 20_000}, "findings": Lazy(list(range(20_000)), build)}
    chunks = json_chunks(payload)
    first = next(chunks)
    assert len(built) < 20_000  # not everything was built before the first piece came out
    text = first + "".join(chunks)
    assert len(built) == 20_000
    assert text == expected(
        {"summary": {"errors": 20_000}, "findings": [build(i) for i in range(20_000)]}
    )
    assert "13812345678" not in text


def test_not_serialisable_raises_like_json():
    from decimal import Decimal

    with pytest.raises(TypeError):
        json_text({"amount": Decimal("1.00")})
    with pytest.raises(TypeError):
        json_text({(1, 2): 1})


flat_values = (
    scalars
    | st.builds(Public, st.sampled_from(["热线 021-58881234", "x"]))
    | st.lists(scalars, max_size=2)
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["rule", "cell", "100%s", 'a"b']), min_size=1, max_size=4, unique=True
    ),
    st.lists(st.lists(flat_values, min_size=4, max_size=4), max_size=6),
    st.booleans(),
)
def test_lists_of_flat_records_same_text_as_json_dumps(names, rows, lazy):
    """Records of one shape go through one %-template a list; a record with another shape or a
    value that is not a plain scalar (Public, a list) is written the general way."""
    records = [dict(zip(names, row, strict=False)) for row in rows]
    if len(records) > 2:
        records[1] = {"other": 1, **records[1]}
    payload = {"findings": Lazy(records, dict) if lazy else records, "n": len(records)}
    assert json_text(payload) == expected(
        {"findings": [dict(r) for r in records], "n": len(records)}
    )


def test_a_public_text_and_the_same_plain_text_keep_their_own_masking():
    """Masked texts are remembered by value; a Public string equals the plain one of the same
    text, so either order must keep the plain one masked and the Public one as it is."""
    number = "热线 021-58881234"
    for payload in (
        [number, Public(number)],
        [Public(number), number],
        {"a": number, "b": Public(number)},
    ):
        assert json_text(payload) == expected(payload)
        assert json_text(payload).count("021-58881234") == 1
