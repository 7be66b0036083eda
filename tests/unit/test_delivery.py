"""Email rendering, PDF, recipients and message assembly (siamlib.delivery), on tiny bundles."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import json
import re
from email import policy

import pandas as pd
import pytest

from siamlib import delivery
from tests.fixtures.fixture_params import fixture_params

PERIOD = "2026-10"


@pytest.fixture(scope="module")
def params():
    return fixture_params()


def _card(period: str, a_actual: float, b_actual: float) -> pd.DataFrame:
    # Two levels: A (weight 60) green earns its 60 points, B (weight 40) red earns 0.
    return pd.DataFrame(
        {
            "supplier_id": ["service-desk"] * 2,
            "period": [period] * 2,
            "service_level": ["P2-RES", "FTF"],
            "measure": ["sla_resolution_attainment", "first_time_fix"],
            "scope": ["priority=2", ""],
            "name": ["Resolution within target (priority 2)", "First-time fix"],
            "unit": ["%", "%"],
            "direction": ["higher", "higher"],
            "expected": [90.0, 85.0],
            "minimum": [85.0, 82.0],
            "actual": [a_actual, b_actual],
            "rag": ["green", "red"],
            "weight": [60.0, 40.0],
            "points": [60.0, 0.0],
            "previous_actual": [95.0, 81.0],
            "change": [a_actual - 95.0, b_actual - 81.0],
            "numerator": [97.0, 80.0],
            "denominator": [100.0, 100.0],
        }
    )


def tower_bundle(supplier_name: str = "Beacon Service Desk", b_actual: float = 80.0) -> dict:
    values = pd.DataFrame(
        {
            "supplier_id": ["service-desk"] * 4,
            "period": [PERIOD] * 4,
            "measure": [
                "sla_resolution_attainment",
                "sla_response_attainment",
                "backlog",
                "backlog",
            ],
            "scope": ["priority=2", "priority=2", "age=0-2", "age=3-5"],
            "value": [0.97, 0.99, 12.0, 3.0],
            "numerator": [97.0, 99.0, 12.0, 3.0],
            "denominator": [100.0, 100.0, 1.0, 1.0],
        }
    )
    ledger = pd.DataFrame(
        {
            "supplier_id": ["service-desk"],
            "period": [PERIOD],
            "line": ["credit"],
            "service_level": ["FTF"],
            "amount": [500.0],
            "currency": ["GBP"],
            "explanation": ["FTF 80% < minimum 82%: £500"],
        }
    )
    return {
        "meta": {
            "estate": "Demo Estate",
            "currency": "GBP",
            "period": PERIOD,
            "report": "service-desk",
            "supplier_id": "service-desk",
            "supplier_name": supplier_name,
            "role": "tower",
            "run_at": "2026-11-01T06:00:00+00:00",
            # The tiles' figures as Work.bundle computes them (siamlib.scorecard.headline):
            # 60 points over weights 60 + 40 -> 60 (red: FTF failed); 1 green and 1 red
            # level; the ledger's one credit line, 500 owed (red).
            "headline": {
                "weighted_score": 60.0,
                "score_rag": "red",
                "scored_points": 60.0,
                "scored_weight": 100.0,
                "levels": 2,
                "green": 1,
                "amber": 0,
                "red": 1,
                "grey": 0,
                "levels_rag": "red",
                "net_credits": 500.0,
                "credits_rag": "red",
            },
        },
        "frames": {
            "scorecard": _card(PERIOD, 97.0, b_actual),
            "trend": pd.concat([_card("2026-09", 95.0, 81.0), _card(PERIOD, 97.0, b_actual)]),
            "values": values,
            "ledger": ledger,
        },
    }


def board_bundle() -> dict:
    league = pd.DataFrame(
        {
            "rank": [1, 2],
            "supplier_id": ["network", "euc"],
            "supplier_name": ["Meridian", "Harbour"],
            "role": ["tower", "tower"],
            "weighted_score": [92.5, 71.0],
            "levels": [4, 4],
            "green": [4, 2],
            "amber": [0, 1],
            "red": [0, 1],
            "grey": [0, 0],
            "credits": [0.0, 250.0],
            "currency": ["GBP", "GBP"],
        }
    )
    return {
        "meta": {
            "estate": "Demo Estate",
            "currency": "GBP",
            "period": PERIOD,
            "role": "board",
            # an empty ledger and no at-risk pool: nothing owed, no share of a pool
            "board_headline": {
                "net_credits": 0.0,
                "at_risk": 0.0,
                "share": float("nan"),
                "credits_rag": "green",
                "blocked": [],
            },
        },
        "frames": {"league": league, "ledger": pd.DataFrame({"supplier_id": [], "amount": []})},
    }


@pytest.fixture(scope="module")
def tower_message(params):
    return delivery.build_message(tower_bundle(), params, link="https://r.example/2026-10/x.html")


def _parse(out: delivery.Outgoing) -> email.message.EmailMessage:
    return email.message_from_bytes(out.message.as_bytes(), policy=policy.default)


# ---------------------------------------------------------------------- recipients, subject
def test_supplier_message_goes_only_to_its_contract_recipients(params):
    got = delivery.recipients_for(params, "service-desk")
    assert got == [str(a) for a in params.contract("service-desk").recipients]
    assert all(a.endswith("@beacon.example") for a in got)


def test_integrator_message_goes_to_contract_and_integrator_recipients(params):
    integrator = params.estate.integrator.id
    got = delivery.recipients_for(params, integrator)
    expected = [str(a) for a in params.contract(integrator).recipients] + [
        str(a) for a in params.delivery.integrator_recipients
    ]
    assert got == expected


def test_board_summary_goes_to_board_recipients_only(params):
    got = delivery.recipients_for(params, delivery.BOARD)
    assert got == [str(a) for a in params.delivery.board_recipients]


def test_unknown_report_has_no_recipients_and_raises(params):
    with pytest.raises(KeyError):
        delivery.recipients_for(params, "nobody")


def test_subject_follows_the_delivery_templates(params):
    # delivery.yaml: "{period} {supplier}: SIAM performance" (period and supplier first: a
    # phone's inbox shows the first 30-40 characters)
    assert delivery.subject_for(params, tower_bundle()) == (
        "2026-10 Beacon Service Desk: SIAM performance"
    )
    assert delivery.subject_for(params, board_bundle()) == "2026-10 SIAM board summary"


def test_subject_never_carries_a_line_break_from_a_name(params):
    subject = delivery.subject_for(params, tower_bundle("Evil\r\nBcc: x@evil.example"))
    assert "\n" not in subject and "\r" not in subject


# ---------------------------------------------------------------------- bodies
def test_plain_text_states_the_headline_figures_and_every_level():
    text = delivery.render_text(tower_bundle(), link="https://r.example/x.html")
    # weighted score: points 60 + 0 over weights 60 + 40 with data -> 60 / 100 x 100 = 60
    # its colour is the worst level's, and the text says what that means
    assert (
        "Weighted score, 2026-10: 60.0 (out of 100; red: 1 level failed, worse than its minimum "
        "or maximum)" in text
    )
    assert "Service levels met: 1 of 2 (0 amber, 1 red)" in text
    assert "Service credits, 2026-10: £500 (owed by the supplier, net of earn-back)" in text
    assert "- First-time fix: 80% (expected at least 85%; minimum 82%) - RED" in text
    assert "Interactive report: https://r.example/x.html" in text


def test_plain_text_says_why_a_level_is_grey_and_counts_it_in_the_headline():
    # FTF greyed as a small sample: the tile's counts add up (1 of 2: 0 amber, 0 red and 1
    # not scored) and its line gives the scorecard's reason, as the HTML report does.
    bundle = tower_bundle()
    note = "small sample: 3 records < minimum volume 10; not scored"
    card = bundle["frames"]["scorecard"]
    bundle["frames"]["scorecard"] = card.assign(
        actual=[97.0, float("nan")], rag=["green", "grey"], note=["", note]
    )
    bundle["meta"]["headline"] |= {"red": 0, "grey": 1}
    text = delivery.render_text(bundle)
    assert "Service levels met: 1 of 2 (0 amber, 0 red, 1 not scored)" in text
    line = "- First-time fix: not scored (expected at least 85%; minimum 82%) - GREY"
    assert f"{line} ({note})" in text
    assert "- Resolution within target (priority 2): 97% (expected" in text
    assert "GREEN (" not in text


def test_board_text_lists_the_league_table_by_name_with_money():
    text = delivery.render_text(board_bundle())
    assert "- Meridian: weighted score 92.5 (out of 100), net credits £0" in text
    assert "- Harbour: weighted score 71.0 (out of 100), net credits £250" in text
    assert "- euc:" not in text and "- network:" not in text


def test_email_html_is_static_with_inlined_css_and_cid_images():
    body = delivery.render_email_html(tower_bundle(), [("c1@x", "Score"), ("c2@x", "Backlog")])
    assert "<script" not in body.lower()
    assert "<style" not in body.lower()  # inlined: Gmail drops <style> in some views
    assert 'style="' in body
    assert re.findall(r'src="(cid:[^"]+)"', body) == ["cid:c1@x", "cid:c2@x"]
    assert "data:" not in body


def test_the_email_column_is_fluid_and_only_outlook_reads_a_fixed_width():
    # A phone shows the body at its own width: every table 100 % wide inside a column of at
    # most 640 px; Outlook's Word engine, which ignores max-width, alone reads the 640 px
    # table of the [if mso] conditional comment.
    for bundle in (tower_bundle(), board_bundle()):
        body = delivery.render_email_html(bundle, [("c1@x", "Score")])
        assert body.count("<!--[if mso]>") == 2
        seen = re.sub(r"<!--\[if mso\]>.*?<!\[endif\]-->", "", body, flags=re.S)
        widths = re.findall(r'<table[^>]*\swidth="([^"]+)"', seen)
        assert widths and set(widths) == {"100%"}, widths
        assert "max-width: 640px" in seen
        assert not re.search(r"(?<![-\w])width:\s*\d+px", seen)  # no fixed CSS width either
        assert not re.findall(r'<t[dh][^>]*\swidth="\d+"', seen)  # nor a fixed cell


def test_the_email_tables_have_few_enough_columns_for_a_phone():
    tower = delivery.render_email_html(tower_bundle(), [])
    heads = re.findall(r"<th[^>]*>([^<]*)</th>", tower)
    assert heads == ["service level", "actual", "RAG"]
    # what the dropped columns said is in the level's cell, in the measure's direction
    assert "expected at least 85%; minimum 82%" in tower
    board = delivery.render_email_html(board_bundle(), [])
    assert re.findall(r"<th[^>]*>([^<]*)</th>", board) == [
        "supplier",
        "weighted score",
        "net credits",
    ]


def test_email_html_escapes_names_from_the_data():
    body = delivery.render_email_html(tower_bundle("<script>alert(1)</script>"), [])
    assert "<script" not in body.lower()
    assert "&lt;script&gt;" in body


def test_static_report_has_every_chart_as_data_uri_and_no_script():
    b = tower_bundle()
    pngs = [("score_trend_chart", "Score", b"\x89PNG fake"), ("backlog_chart", "B", b"\x89PNG")]
    page = delivery.render_static_html(b, pngs)
    assert "<script" not in page.lower()
    assert page.count('src="data:image/png;base64,') == 2
    assert "break-inside: avoid" in page and "counter(page)" in page


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream (object streams included) decompressed."""
    import zlib

    out = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"".join(out)


def test_pdf_is_tagged_for_accessibility_in_one_font_family():
    pdf = _pdf_objects(delivery.render_pdf(delivery.render_static_html(tower_bundle(), pngs=[])))
    assert b"/StructTreeRoot" in pdf  # tagged: a structure tree a screen reader follows
    assert b"/Marked true" in pdf
    assert b"pdfuaid:part" in pdf  # declared PDF/UA-1
    fonts = {f.split(b"+")[-1].split(b"-")[0] for f in re.findall(rb"/FontName /(\S+?)/", pdf)}
    assert fonts == {b"DejaVu"}, fonts
    families = set(re.findall(rb"/FontName /\S+?\+([A-Za-z]+-[A-Za-z]+)", pdf))
    assert families == {b"DejaVu-Sans"}, families


def test_pdf_is_paginated_with_page_numbers():
    import weasyprint

    page = delivery.render_static_html(tower_bundle(), pngs=[])
    pdf = delivery.render_pdf(page)
    assert pdf.startswith(b"%PDF")
    doc = weasyprint.HTML(string=page).render()

    def texts(box):
        if hasattr(box, "text"):
            yield box.text
        for child in getattr(box, "children", None) or []:
            yield from texts(child)

    n = len(doc.pages)
    for i, p in enumerate(doc.pages, start=1):
        margin_text = " ".join(t for b in p._page_box.children for t in texts(b))
        assert f"Page {i} of {n}" in margin_text


# ---------------------------------------------------------------------- whole message
def test_message_has_text_html_related_charts_and_pdf(tower_message):
    msg = _parse(tower_message)
    assert msg.get_content_type() == "multipart/mixed"
    alternative, attachment = msg.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    text, related = alternative.get_payload()
    assert text.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    body = html_part.get_content()
    assert "<script" not in body.lower()
    assert len(body.encode()) < delivery.BODY_LIMIT
    cids = {i["Content-ID"].strip("<>") for i in images}
    refs = set(re.findall(r'src="cid:([^"]+)"', body))
    assert refs and refs == cids  # every cid: resolves, and no image is unreferenced
    assert all(i.get_content().startswith(b"\x89PNG") for i in images)
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "service-desk-2026-10.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_message_headers_come_from_params(tower_message, params):
    msg = _parse(tower_message)
    assert msg["From"] == str(params.delivery.sender)
    assert msg["To"] == ", ".join(str(a) for a in params.contract("service-desk").recipients)
    assert msg["Bcc"] is None


def test_the_same_pack_gives_the_same_ledger_key_whatever_the_send_time(tower_message, params):
    # The PDF is rendered again: the same bundle gives the same PDF bytes, so the same key.
    again = delivery.build_message(
        tower_bundle(),
        params,
        link="https://r.example/2026-10/x.html",
        date=dt.datetime(2026, 11, 2, 7, tzinfo=dt.UTC),
    )
    assert again.key == tower_message.key
    assert again.message["Message-ID"] == tower_message.message["Message-ID"]


def test_a_changed_pdf_gives_a_new_ledger_key(tower_message, params):
    # Same bodies, another PDF (e.g. a rerun of the pack): the ledger key covers the PDF.
    other = delivery.build_message(
        tower_bundle(), params, link="https://r.example/2026-10/x.html", pdf=b"%PDF-other"
    )
    assert other.key != tower_message.key


def test_chart_images_are_inline_parts_of_the_html_not_attachments(tower_message):
    msg = _parse(tower_message)
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    images = [p for p in msg.walk() if p.get_content_maintype() == "image"]
    assert images, "the message has no chart images"
    html_body = msg.get_body(("html",)).get_content()
    for img in images:
        assert img.get_content_disposition() == "inline"
        assert f"cid:{img['Content-ID'].strip('<>')}" in html_body
        assert img in related.get_payload()
    attached = [p.get_content_type() for p in msg.iter_attachments()]
    assert attached == ["application/pdf"]


def test_changed_figures_give_a_new_ledger_key(tower_message, params):
    changed = delivery.build_message(
        tower_bundle(b_actual=79.0), params, link="https://r.example/2026-10/x.html", pdf=b"%PDF-"
    )
    assert changed.key != tower_message.key


def test_board_message_goes_to_the_board(params):
    out = delivery.build_message(board_bundle(), params, pdf=b"%PDF-1.7 test")
    msg = _parse(out)
    assert out.name == "board-summary"
    assert msg["To"] == ", ".join(str(a) for a in params.delivery.board_recipients)
    assert "League table" in msg.get_body(("plain",)).get_content()


def test_outbox_gets_one_eml_per_message_and_no_temporary_files(tower_message, tmp_path):
    files = delivery.write_outbox([tower_message], tmp_path / "2026-10")
    assert [f.name for f in files] == ["service-desk.eml"]
    assert sorted(p.name for p in (tmp_path / "2026-10").iterdir()) == ["service-desk.eml"]
    back = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert back["Subject"] == tower_message.message["Subject"]


# ---------------------------------------------------------------------- SMTP settings
def test_smtp_settings_need_a_host():
    with pytest.raises(delivery.DeliveryError, match="SIAM_SMTP_HOST"):
        delivery.smtp_settings_from_env({})


def test_smtp_security_sets_the_default_port():
    env = {"SIAM_SMTP_HOST": "mail.example"}
    assert delivery.smtp_settings_from_env({**env, "SIAM_SMTP_SECURITY": "ssl"}).port == 465
    assert delivery.smtp_settings_from_env({**env, "SIAM_SMTP_SECURITY": "none"}).port == 25
    assert delivery.smtp_settings_from_env({**env, "SIAM_SMTP_PORT": "2525"}).port == 2525


def test_smtp_security_must_be_known():
    with pytest.raises(delivery.DeliveryError, match="SECURITY"):
        delivery.smtp_settings_from_env({"SIAM_SMTP_HOST": "m", "SIAM_SMTP_SECURITY": "tls1"})


def test_smtp_password_never_shows_in_repr():
    s = delivery.smtp_settings_from_env({"SIAM_SMTP_HOST": "m", "SIAM_SMTP_PASSWORD": "hunter22"})
    assert "hunter22" not in repr(s)


def test_dry_run_needs_no_smtp_settings_but_a_real_send_does(tmp_path):
    with pytest.raises(delivery.DeliveryError, match="SIAM_SMTP_HOST"):
        delivery.deliver_period(PERIOD, outbox=tmp_path, environ={})


# ---------------------------------------------------------------------- sending the published pack
def test_every_message_says_it_was_sent_automatically(tower_message):
    assert _parse(tower_message)["Auto-Submitted"] == "auto-generated"


def test_the_outbox_never_rewrites_a_message_already_sent(tower_message, params, tmp_path):
    folder = tmp_path / PERIOD
    first = delivery.write_outbox([tower_message], folder)[0]
    sent_bytes = first.read_bytes()
    ledger = {"entries": {tower_message.key: {"status": "sent", "at": "2026-11-01T07:00:00"}}}
    (folder / delivery.LEDGER_NAME).write_text(json.dumps(ledger), encoding="utf-8")
    # The same pack built again a day later: same bodies and PDF, so same key; new Date.
    later = delivery.build_message(
        tower_bundle(),
        params,
        link="https://r.example/2026-10/x.html",
        date=dt.datetime(2026, 11, 2, 7, tzinfo=dt.UTC),
    )
    assert later.key == tower_message.key
    delivery.write_outbox([later], folder)
    assert first.read_bytes() == sent_bytes


def test_an_unsent_message_is_rewritten_in_the_outbox(tower_message, params, tmp_path):
    folder = tmp_path / PERIOD
    first = delivery.write_outbox([tower_message], folder)[0]
    later = delivery.build_message(
        tower_bundle(), params, pdf=b"%PDF-", date=dt.datetime(2026, 11, 2, 7, tzinfo=dt.UTC)
    )
    delivery.write_outbox([later], folder)
    back = email.message_from_bytes(first.read_bytes(), policy=policy.default)
    assert back["Date"] == later.message["Date"] != tower_message.message["Date"]


def _complete(bundle: dict) -> dict:
    """``bundle`` with every frame its kind requires: those these tests do not read, empty
    (a pack's bundles are checked when read back, as when they were built)."""
    from siamlib import bundles

    spec = bundles.SPECS[bundles.kind_of(bundle)]
    frames = {f: pd.DataFrame({"x": []}) for f in spec.frames}
    meta = {k: "" for k in spec.meta}
    return {"meta": {**meta, **bundle["meta"]}, "frames": {**frames, **bundle["frames"]}}


def _published(root, reports: dict, bundles: dict) -> tuple:
    """A pack laid out as batch.run publishes it: run folder, link, figures, manifest."""
    from siamlib import workbook

    folder = root / ".runs" / f"{PERIOD}-20261101T070000Z-abc123"
    folder.mkdir(parents=True)
    figures_bytes = b"kind,supplier_id\nlevel,service-desk\n"
    (folder / "figures.csv").write_bytes(figures_bytes)
    manifest = {
        "period": PERIOD,
        "run_id": "20261101T070000Z-abc123",
        "figures_sha256": hashlib.sha256(figures_bytes).hexdigest(),
        "reports": reports,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for name, bundle in bundles.items():
        workbook.save_bundle(_complete(bundle), folder / "bundles" / name)
    (root / PERIOD).symlink_to(folder.relative_to(root))
    return folder, manifest


def test_messages_for_a_pack_carry_its_run_and_figures_hash(params, tmp_path):
    from siamlib import pack

    reports = {
        "service-desk": {"status": "ok", "file": "service-desk.html"},
        "euc": {"status": "blocked", "error": "tickets: 2 rows without a priority"},
    }
    _, manifest = _published(tmp_path, reports, {"service-desk": tower_bundle()})
    said = []
    messages = delivery.messages_for_pack(pack.read_pack(tmp_path, PERIOD), params, log=said.append)
    assert [m.name for m in messages] == ["service-desk"]
    msg = _parse(messages[0])
    assert msg["X-SIAM-Run"] == "20261101T070000Z-abc123"
    assert msg["X-SIAM-Figures"].strip() == manifest["figures_sha256"]  # folded at 78
    assert "euc: not sent, blocked in the pack (tickets: 2 rows without a priority)" in said


def test_a_report_whose_supplier_has_no_recipients_is_said_not_sent(params, tmp_path):
    from siamlib import pack

    contracts = {**params.contracts}
    contracts["service-desk"] = contracts["service-desk"].model_copy(update={"recipients": []})
    nobody = params.model_copy(update={"contracts": contracts})
    _published(tmp_path, {"service-desk": {"status": "ok"}}, {"service-desk": tower_bundle()})
    said = []
    messages = delivery.messages_for_pack(pack.read_pack(tmp_path, PERIOD), nobody, log=said.append)
    assert messages == []
    assert said == [
        "service-desk: not sent, no recipients "
        "(params/contracts/service-desk.yaml recipients is empty)"
    ]


def test_a_report_without_its_bundle_in_the_pack_is_refused(params, tmp_path):
    from siamlib import pack

    _published(tmp_path, {"service-desk": {"status": "ok"}}, {})
    with pytest.raises(pack.PackError, match="bundle is missing"):
        delivery.messages_for_pack(pack.read_pack(tmp_path, PERIOD), params)


def test_a_report_whose_bundle_lost_a_frame_since_the_run_is_refused(params, tmp_path):
    from siamlib import pack

    folder, _ = _published(
        tmp_path, {"service-desk": {"status": "ok"}}, {"service-desk": tower_bundle()}
    )
    (folder / "bundles" / "service-desk" / "scorecard.parquet").unlink()
    with pytest.raises(pack.PackError, match="not as published.*'scorecard' is missing"):
        delivery.messages_for_pack(pack.read_pack(tmp_path, PERIOD), params)
