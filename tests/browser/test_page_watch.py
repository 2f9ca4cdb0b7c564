"""The page watch that every browser test relies on: it must see what the browser complains about."""

import pytest

from tests.browser.conftest import expect

pytestmark = pytest.mark.browser


def test_the_content_security_policy_blocks_inline_code_and_the_watch_reports_it(browser_pages):
    page = browser_pages.new_page()

    def add_inline_code(route):
        response = route.fetch()
        body = response.text().replace(
            "</body>",
            '<p id="styled" style="color: red">x</p><script>document.title = "ran";</script></body>',
        )
        route.fulfill(response=response, body=body)

    page.route("**/login", add_inline_code)
    page.goto("/login")
    expect(page.locator("#styled")).to_be_attached()
    assert page.title() != "ran"
    assert page.eval_on_selector("#styled", "p => getComputedStyle(p).color") != "rgb(255, 0, 0)"
    problems, browser_pages.problems[:] = list(browser_pages.problems), []
    assert any("inline script" in p and "Content Security Policy" in p for p in problems), problems
    assert any("inline style" in p and "Content Security Policy" in p for p in problems), problems


def test_an_error_status_is_reported_unless_the_test_expects_it(browser_pages):
    page = browser_pages.new_page()
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    problems, browser_pages.problems[:] = list(browser_pages.problems), []
    assert [p for p in problems if "status of 404" in p and "/no-such-page" in p], problems

    browser_pages.allow_status(404, "/no-such-page")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert browser_pages.problems == []
