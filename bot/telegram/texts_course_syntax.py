"""A course file's YAML syntax errors and its texts' Telegram HTML mistakes, as whole sentences in
the instructor's language (the kinds come from content/yaml_lines.py and content/telegram_html.py).

The line is shown before each sentence (`mini.yaml:7: …`); the column is in the sentence. Where no
sentence says better, PyYAML's own English is quoted as `{detail}`."""
from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

SYNTAX_SENTENCES = {
    # YAML syntax (content/yaml_lines.py)
    "yaml_tab": __("YAML syntax error at column {column}: a tab is used for indentation; YAML indents with spaces "
                   "only, so replace the tab with spaces."),
    "yaml_colon_in_text": __("YAML syntax error at column {column}: a “:” is not expected here; put a text "
                             "containing “: ” in quotes or write it as a | block, and indent a key as far as the "
                             "keys beside it."),
    "yaml_flow_mapping_not_closed": __("YAML syntax error at column {column}: the {{…}} mapping opened on line "
                                       "{start_line}, column {start_column}, is not closed, or a text in it contains "
                                       "“,” or “:” and needs quotes."),
    "yaml_flow_list_not_closed": __("YAML syntax error at column {column}: the […] list opened on line {start_line}, "
                                    "column {start_column}, is not closed, or an item in it needs quotes."),
    "yaml_indentation": __("YAML syntax error at column {column}: the indentation of this line does not fit the "
                           "lines above; indent it as far as the keys beside it."),
    "yaml_quote_not_closed": __("YAML syntax error: the quoted text opened on line {start_line}, column "
                                "{start_column}, is never closed; add the closing quote."),
    "yaml_second_document": __("YAML syntax error at column {column}: a second YAML document starts here; a course "
                               "file holds one document, so remove the “---” line."),
    "yaml_reserved_character": __("YAML syntax error at column {column}: in YAML a text cannot start with "
                                  "“{character}”; put the text in quotes."),
    "yaml_nested_too_deep": __("YAML syntax error at column {column}: lists and mappings nest more than {limit} "
                               "levels deep here; a course file needs far fewer (is a bracket left open?)."),
    "yaml_bad_character": __("YAML syntax error at column {column}: the character {character} cannot appear in a "
                             "YAML file; delete it."),
    "yaml_syntax": __("YAML syntax error at column {column}; the YAML parser says: “{detail}”."),
    "yaml_syntax_no_line": __("YAML syntax error; the YAML parser says: “{detail}”."),
    "yaml_file_too_big": __("The file is larger than {limit} MB, the limit for one course file (it passes the limit "
                            "on this line); split the lecture into several, or attach long material as a file."),
    # Telegram HTML in a text (content/telegram_html.py)
    "html_tag_not_allowed": __("The tag <{tag}> is not allowed in Telegram HTML; use only {tags}, and write a "
                               "literal “<” as &lt;."),
    "html_link_needs_href": __("The tag <a> needs exactly one attribute: href=\"…\"."),
    "html_link_scheme": __("A link address in <a href> must start with http://, https://, tg:// or mailto: "
                           "(got “{href}”)."),
    "html_tag_takes_no_attributes": __("The tag <{tag}> takes no attributes (found: {names})."),
    "html_tag_inside_code": __("The tag <{tag}> cannot be placed inside <code> or <pre>."),
    "html_tag_nested_in_itself": __("The tag <{tag}> cannot be nested inside another <{tag}>."),
    "html_self_closing_tag": __("<{tag}/> is not allowed: Telegram HTML has no self-closing tags; start a new line "
                                "instead."),
    "html_end_tag_not_allowed": __("The closing tag </{tag}> is not allowed in Telegram HTML."),
    "html_closed_before_inner": __("The closing tag </{tag}> comes before the inner <{inner}> is closed; close "
                                   "<{inner}> first."),
    "html_end_tag_unmatched": __("The closing tag </{tag}> has no opening <{tag}>."),
    "html_bare_less_than": __("In Telegram HTML a literal “<” must be written &lt;."),
    "html_bare_greater_than": __("In Telegram HTML a literal “>” must be written &gt;."),
    "html_bare_ampersand": __("In Telegram HTML a literal “&” must be written &amp;."),
    "html_entity_not_supported": __("The entity {entity} is not supported in Telegram HTML; use &lt; &gt; &amp; "
                                    "&quot; or a numeric one such as &#8212;."),
    "html_comment": __("HTML comments <!-- --> are not allowed in Telegram HTML."),
    "html_markup_not_allowed": __("{markup} is not allowed in Telegram HTML."),
    "html_tag_never_closed": __("The tag <{tag}> is never closed; add </{tag}> where it ends."),
}
