"""R22/R33/R15: the archive places folders, prints cover sheets with the mark, checks inventory."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from access.policy import Denied
from access.roles import Role
from audit.models import AuditEvent, Incident
from records import intake, paper, review
from records.models import PaperFile
from tests.factories import PERSON, make_person, register
from tests.helpers import client_verified


@pytest.fixture
def archivist(sales_org):
    return make_person("liu.yang", roles=[Role.ARCHIVIST], full_name="刘洋")


def _approved(sales_org):
    record = register(sales_org.sales)
    intake.submit(sales_org.sales, record)
    review.approve(sales_org.head, record)
    record.refresh_from_db()
    return record


def test_r33_archivists_place_folders_with_a_custodian_and_others_cannot(sales_org, archivist):
    record = _approved(sales_org)
    for outsider in (sales_org.sales, sales_org.head, sales_org.admin):
        with pytest.raises(Denied):
            paper.register_location(outsider, record, room="A", cabinet="1", shelf="2",
                                    custodian=archivist)  # fmt: skip
    client = client_verified(archivist)
    url = reverse("records:paper", args=[record.pk])
    response = client.post(url, {"form": "location", "room": "档案室A", "cabinet": "03",
                                 "shelf": "2", "custodian": archivist.pk})  # fmt: skip
    assert response.status_code == 302
    folder = PaperFile.objects.get(record=record)
    assert (folder.room, folder.cabinet, folder.shelf, folder.custodian) == (
        "档案室A",
        "03",
        "2",
        archivist,
    )
    assert AuditEvent.objects.filter(action="record.paper_registered").exists()


def test_r15_the_catalogue_lists_approved_files_without_content(sales_org, archivist):
    record = _approved(sales_org)
    register(sales_org.sales)  # a draft is not catalogued
    body = client_verified(archivist).get(reverse("records:catalogue")).content.decode()
    assert record.archive_number in body
    assert body.count("<tr>") == 2  # header and one file
    assert PERSON["full_name"] not in body
    assert "欧**" not in body
    assert client_verified(sales_org.sales).get(reverse("records:catalogue")).status_code == 403


def test_r22_cover_sheet_carries_the_level_mark_and_no_customer_content(sales_org, archivist):
    record = _approved(sales_org)
    paper.register_location(archivist, record, room="档案室A", cabinet="03", shelf="2",
                            custodian=archivist)  # fmt: skip
    response = client_verified(archivist).get(reverse("records:cover_sheet", args=[record.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "绝密" in text
    assert "Level 1" not in text  # the level in Chinese whoever asked in English
    assert record.archive_number in text
    assert "档案室A / 03 / 2" in text
    assert "销售一部" in text
    for value in PERSON.values():
        assert value not in text
    assert AuditEvent.objects.filter(action="record.cover_sheet").count() == 1


def test_r33_a_missing_folder_is_reported_as_an_incident(sales_org, archivist):
    record = _approved(sales_org)
    folder = paper.register_location(archivist, record, room="档案室A", cabinet="03", shelf="2",
                                     custodian=archivist)  # fmt: skip
    client = client_verified(archivist)
    url = reverse("records:paper", args=[record.pk])
    response = client.post(url, {"form": "inventory", "result": "missing", "note": ""})
    assert response.status_code == 400
    assert "for the incident report" in response.content.decode()
    client.post(url, {"form": "inventory", "result": "found"})
    client.post(url, {"form": "inventory", "result": "missing", "note": "柜中未找到"})
    assert list(folder.checks.values_list("result", flat=True)) == ["missing", "found"]
    incident = Incident.objects.get()
    assert incident.kind == "loss"
    assert incident.archive_numbers == [record.archive_number]
    assert incident.reporter == archivist
    # The report is written in Chinese whoever's screen was in English: no "Missing" inside it.
    assert "盘点发现纸质档案缺失" in incident.description
