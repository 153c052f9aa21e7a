"""The same corpus as a Hugo site, to compare build times with a well-known static-site generator.

Same pages: a page per drug and audience (side effects by tier, the narrative, up to 8 related medicines),
a page per side effect, class and condition listing the drugs that use it (Hugo taxonomies), section lists
and a home page. The theme is minimal but does the same kind of lookups our templates do.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

AUDIENCE_SECTION = {"adult": "adults", "child": "children"}

CONFIG = """\
baseURL = "https://example.org/"
title = "Benchmark"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
  class = "classes"
  condition = "conditions"
  effect = "effects"
[related]
  threshold = 1
  includeNewer = true
  toLower = false
  [[related.indices]]
    name = "classes"
    weight = 100
  [[related.indices]]
    name = "conditions"
    weight = 50
"""

LAYOUTS = {
    "_default/baseof.html": """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title>
<link rel="stylesheet" href="/site.css"></head>
<body><header><a href="/">{{ .Site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main>
<footer>{{ .Site.Title }}</footer></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p>Brand names: {{ delimit .Params.brands ", " }}</p>
<p>{{ .Params.what_it_is }}</p><p>{{ .Params.how_it_works }}</p>
{{ range $tier := slice "urgent" "serious" "common" }}<section><h2>{{ $tier }}</h2><ul>
{{ range index $.Params $tier }}{{ with $.Site.GetPage (printf "/effects/%s" .) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ with .Params.call_right_away }}<ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}</li>{{ end }}{{ end }}
</ul></section>{{ end }}
{{ .Content }}
<section><h2>Related medicines</h2><ul>
{{ range first 8 (where (.Site.RegularPages.Related .) "Section" .Section) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul>
{{ range .GetTerms "classes" }}<a href="{{ .RelPermalink }}">All of {{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "conditions" }}<a href="{{ .RelPermalink }}">All for {{ .LinkTitle }}</a>{{ end }}
</section></article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
{{ with .Params.what_it_is }}<p>{{ . }}</p>{{ end }}
{{ range .Pages.GroupBy "Section" }}<h2>{{ .Key }}</h2><ul>
{{ range .Pages.ByTitle }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
{{ end }}
""",
    "index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>
{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>{{ end }}
</ul>{{ end }}
""",
}


def front_matter(data: dict) -> str:
    return "---\n" + json.dumps(data, indent=1) + "\n---\n"


def tier_slugs(tiers: dict, tier: str) -> list[str]:
    return [e if isinstance(e, str) else e["effect"] for e in tiers.get(tier) or []]


def write_hugo_site(content: Path, into: Path) -> Path:
    """Read the synthetic content/ tree (plain PyYAML is enough: it is our own generated, valid input)."""
    for path, text in LAYOUTS.items():
        (into / "layouts" / path).parent.mkdir(parents=True, exist_ok=True)
        (into / "layouts" / path).write_text(text)
    (into / "config.toml").write_text(CONFIG)
    (into / "static").mkdir(exist_ok=True)
    (into / "static" / "site.css").write_text("body { font-family: sans-serif; }\n")
    pages = into / "content"
    for folder, taxonomy in (("side-effects", "effects"), ("classes", "classes"), ("conditions", "conditions")):
        for record in sorted((content / folder).glob("*.yaml")):
            data = yaml.safe_load(record.read_text())
            term = pages / taxonomy / record.stem
            term.mkdir(parents=True)
            narrative = record.with_suffix(".md")
            body = narrative.read_text() if narrative.exists() else ""
            fields = {"title": data["name"], "what_it_is": data["what_it_is"]}
            fields["call_right_away"] = data.get("call_right_away", [])
            (term / "_index.md").write_text(front_matter(fields) + body)
    for record in sorted((content / "drugs").glob("*.yaml")):
        drug = yaml.safe_load(record.read_text())
        for audience, use in drug["audiences"].items():
            section = pages / AUDIENCE_SECTION[audience]
            section.mkdir(parents=True, exist_ok=True)
            tiers = {t: tier_slugs(drug["side_effects"], t) for t in ("urgent", "serious", "common")}
            fields = {
                "title": drug["generic_name"],
                "brands": drug["brand_names"],
                "what_it_is": drug["what_it_is"],
                "how_it_works": drug["how_it_works"],
                "classes": [drug["class"]],
                "conditions": use["conditions"],
                "effects": [s for slugs in tiers.values() for s in slugs],
                **tiers,
            }
            narrative = record.with_name(f"{record.stem}.{audience}.md").read_text()
            (section / f"{record.stem}.md").write_text(front_matter(fields) + narrative)
    return into
