from core.markdown import render_markdown


def test_markdown_renders_emphasis_and_links():
    html = render_markdown("Hello *world*, see [rules](https://example.org/rules).")
    assert "<em>world</em>" in html
    assert 'href="https://example.org/rules"' in html


def test_markdown_strips_scripts_event_handlers_and_javascript_urls():
    html = render_markdown(
        '<script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
