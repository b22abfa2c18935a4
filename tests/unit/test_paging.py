"""page_params and Page follow RFC 7644 §3.4.2.4."""

import pytest

from scimcert.scim.errors import ScimError
from scimcert.scim.paging import Page, page_params
from scimcert.scim.urns import LIST_RESPONSE_URN


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        pytest.param(None, None, (1, 100), id="defaults"),
        pytest.param("0", "5", (1, 5), id="start-below-one-is-one"),
        pytest.param(-3, 5, (1, 5), id="negative-start-is-one"),
        pytest.param("7", "-1", (7, 0), id="negative-count-is-zero"),
        pytest.param(1, 5000, (1, 1000), id="count-capped"),
        pytest.param(" 11 ", "+20", (11, 20), id="padded-and-signed-strings"),
        pytest.param("", "", (1, 100), id="empty-strings-are-absent"),
    ],
)
def test_page_params_normalise(start, count, expected):
    assert page_params(start, count, default_count=100, max_count=1000) == expected


@pytest.mark.parametrize("bad", ["abc", "1.5", 2.0, True, "١٢"])
def test_non_integer_is_invalid_value(bad):
    with pytest.raises(ScimError) as caught:
        page_params(bad, None, default_count=100, max_count=1000)
    assert (caught.value.status, caught.value.scim_type) == (400, "invalidValue")
    with pytest.raises(ScimError):
        page_params(None, bad, default_count=100, max_count=1000)


def test_page_takes_from_one_based_start():
    page = Page.of("3", "2", default_count=100, max_count=1000)
    assert page.take(list("abcdef")) == ["c", "d"]
    assert Page(7, 5).take(list("abc")) == []
    assert Page(1, 0).take(list("abc")) == []


def test_list_response_counts_the_page_and_the_total():
    items = [{"id": str(i)} for i in range(5)]
    body = Page(2, 2).list_response(items)
    assert body == {"schemas": [LIST_RESPONSE_URN], "totalResults": 5, "startIndex": 2,
                    "itemsPerPage": 2, "Resources": [{"id": "1"}, {"id": "2"}]}
