"""The chart SVGs are lean for WeasyPrint (issue 23: PDF render cost) and still complete: their
accessible name, their bars, values and labels, their colours."""

import xml.etree.ElementTree as ET

from reports import charts

NS = "{http://www.w3.org/2000/svg}"


def _weights():
    bands = [
        {"label": "< 26", "schools": 67},
        {"label": "26 – 28", "schools": 17},
        {"label": "≥ 36", "schools": 25},
    ]
    return charts.weight_bands(bands)


def test_a_chart_carries_only_its_own_small_stylesheet():
    chart = _weights()
    root = ET.fromstring(chart.svg)  # noqa: S314 - our own output
    styles = root.findall(f".//{NS}style")
    assert [s.text for s in styles] == [charts.CHART_CSS]
    assert len(charts.CHART_CSS) < 2000  # pygal's own three stylesheets: about 9 KB
    assert "#chart-" not in chart.svg  # no per-chart id prefix on every rule
    assert root.find(f".//{NS}script") is None
    assert root.find(f".//{NS}desc") is None  # tooltip data, read only by pygal's JavaScript
    assert "tooltip-overlay" not in chart.svg


def test_a_lean_chart_keeps_its_name_values_labels_and_colours():
    chart = _weights()
    root = ET.fromstring(chart.svg)  # noqa: S314 - our own output
    assert [t.text for t in root.findall(f"{NS}title")] == ["Aantal scholen per schoolweging"]
    assert root.findall(f".//{NS}title") == root.findall(f"{NS}title")
    texts = [t.text for t in root.iter(f"{NS}text")]
    for shown in ("67", "17", "25", "< 26", "≥ 36", "Schoolweging"):
        assert shown in texts
    assert len(root.findall(f".//{NS}rect[@class='rect reactive tooltip-trigger']")) == 3
    assert ".color-0{stroke:#154273;fill:#154273}" in charts.CHART_CSS
    assert "Staafdiagram" in chart.alt


def test_every_chart_of_a_snapshot_is_lean():
    snapshot = {
        "profile": {
            "years": [{"year": 2023, "pupils": 10}, {"year": 2024, "pupils": 12}],
            "sectors": [{"label": "Basisonderwijs", "pupils": 12}],
            "weights": {"available": True, "bands": [{"label": "laag", "schools": 1}]},
        },
        "budget": {"available": True, "categories": [{"label": "Lezen", "planned": "1000.00"}]},
        "kind": "eindverantwoording",
        "years": [{"year": 2024, "eligible": "100.00", "ineligible": "5.00"}],
    }
    drawn = charts.charts_for(snapshot)
    assert set(drawn) == {"pupils_years", "pupils_sectors", "weights", "budget", "closeout_years"}
    for chart in drawn.values():
        assert "<desc" not in chart.svg
        assert "<script" not in chart.svg
        assert chart.svg.count("<style") == 1
        assert chart.data_uri.startswith("data:image/svg+xml;base64,")


def test_a_chart_is_drawn_once_per_process_for_the_same_figures():
    sectors = [{"label": "Basisonderwijs", "pupils": 12}, {"label": "SBO", "pupils": 7}]
    first = charts.charts_for({"profile": {"sectors": sectors}})["pupils_sectors"]
    again = charts.charts_for({"profile": {"sectors": [dict(s) for s in sectors]}})
    assert again["pupils_sectors"] is first
    changed = [{"label": "Basisonderwijs", "pupils": 13}, {"label": "SBO", "pupils": 7}]
    other = charts.charts_for({"profile": {"sectors": changed}})["pupils_sectors"]
    assert other is not first
    assert "13" in other.alt


def test_a_chart_is_plain_svg_whatever_else_registered_xml_namespaces():
    import weasyprint.pdf.metadata  # noqa: F401 - registers its own namespaces, the empty prefix too

    chart = charts.pupils_per_sector([{"label": "Basisonderwijs", "pupils": 21}])
    assert chart.svg.startswith("<svg ")
    assert ' xmlns="http://www.w3.org/2000/svg"' in chart.svg.split(">", 1)[0]
    assert "ns0:" not in chart.svg
