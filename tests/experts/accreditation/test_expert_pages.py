"""The expert's side of accreditation: "My accreditations" with its timeline, and the requests
an expert sends to the WCO Secretariat (renewal, recognition in a new area, correction)."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from experts.enums import AccreditationState, DocumentKind, RequestKind, RequestState
from experts.models import (
    Accreditation,
    AccreditationRequest,
    ExpertDocument,
    ProfileType,
    Workshop,
)
from experts.services.accreditation import requests as accreditation_requests
from experts.services.accreditation import transitions
from tests.conftest import sign_in
from tests.factories import area

pytestmark = pytest.mark.django_db

PAGE = reverse("experts:accreditations")
FORM = reverse("experts:accreditation_request")
NOT_A_PDF = "This file is not a PDF document. Please upload your CV as a PDF."
SENT = "Your request was sent to the WCO Secretariat"
SECRET = "SECRET-NOTE"


def profile(code: str) -> ProfileType:
    return ProfileType.objects.get(code=code)


@pytest.fixture
def recognized(admin_user):
    """Give an expert a recognized accreditation, through the service, with an internal note."""

    def make(expert, area_code="aeo-safe", code="TOA", reason="Recognized on the AEO record."):
        return transitions.recognize(
            expert,
            profile(code),
            area(area_code),
            by=admin_user,
            reason=reason,
            internal_comment=SECRET,
        )

    return make


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice.user)
    return client


def pdf_upload(content, name="evidence.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def request_data(pdf_bytes, **overrides):
    data = {"message": "Please consider my request.", "document": pdf_upload(pdf_bytes)}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def form_errors(response, field):
    assert response.status_code == 400
    return [str(error) for error in response.context["form"].errors[field]]


def assert_nothing_saved():
    assert not AccreditationRequest.objects.exists()
    assert not ExpertDocument.objects.exists()
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert not root.exists() or not [path for path in root.rglob("*") if path.is_file()]


# Who reaches the pages


@pytest.mark.parametrize("url", [PAGE, FORM])
@pytest.mark.parametrize("method", ["get", "post"])
def test_accreditation_pages_anonymous_redirected_to_login(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("url", [PAGE, FORM])
@pytest.mark.parametrize("method", ["get", "post"])
def test_accreditation_pages_officer_without_expert_profile_gets_404(client, officer, url, method):
    sign_in(client, officer)
    assert getattr(client, method)(url).status_code == 404


def test_my_accreditations_shows_only_the_experts_own(client, alice, bob, recognized):
    alices = recognized(alice, "post-clearance-audit", reason="Alice's audit record.")
    bobs = recognized(bob, "transit", reason="Bob's transit record.")
    client.force_login(bob.user)

    response = client.get(PAGE)

    assert response.status_code == 200
    assert [item.pk for item in response.context["accreditations"]] == [bobs.pk]
    content = response.content.decode()
    assert f'id="accreditation-{bobs.pk}"' in content
    assert f'id="accreditation-{alices.pk}"' not in content
    assert "Bob&#x27;s transit record." in content
    assert "Alice" not in content
    assert area("post-clearance-audit").name_en not in content


def test_request_form_offers_only_the_experts_own_accreditations(client, alice, bob, recognized):
    alices = recognized(alice, "post-clearance-audit")
    bobs = recognized(bob, "transit")
    client.force_login(bob.user)

    response = client.get(FORM)

    assert response.status_code == 200
    assert list(response.context["form"].fields["accreditation"].queryset) == [bobs]
    content = response.content.decode()
    select = content[content.index('<select name="accreditation"') :]
    select = select[: select.index("</select>")]
    assert f'<option value="{bobs.pk}">' in select
    assert f'<option value="{alices.pk}">' not in select


def test_renewal_for_another_experts_accreditation_refused(client, alice, bob, recognized):
    alices = recognized(alice)
    client.force_login(bob.user)

    response = client.post(
        FORM, request_data(b"%PDF-1.4\n%%EOF\n", kind="renewal", accreditation=alices.pk)
    )

    assert form_errors(response, "accreditation") == ["Choose one of your own accreditations."]
    assert_nothing_saved()


@pytest.mark.parametrize("kind", ["renewal", "correction"])
def test_request_about_an_unknown_accreditation_refused(signed_in, pdf_bytes, kind):
    response = signed_in.post(FORM, request_data(pdf_bytes, kind=kind, accreditation=999999))
    assert form_errors(response, "accreditation") == ["Choose one of your own accreditations."]
    assert_nothing_saved()


# The page: accreditations, validity, timeline


def test_my_accreditations_without_any_says_so(signed_in):
    response = signed_in.get(PAGE)
    assert response.status_code == 200
    assert "You have no accreditations recorded yet." in response.content.decode()
    assert "You have not made any request yet." in response.content.decode()
    assert f'href="{FORM}"' in response.content.decode()


def test_my_accreditations_shows_profile_area_state_phase_and_validity(
    signed_in, alice, recognized
):
    accreditation = recognized(alice, "aeo-safe", "TOA")

    content = signed_in.get(PAGE).content.decode()

    assert "TOA - Technical and Operational Advisor" in content
    assert area("aeo-safe").name_en in content
    assert "Recognized" in content
    assert "Complete" in content  # the phase
    assert accreditation.valid_until.year == timezone.localdate().year + 3
    assert str(accreditation.valid_until.year) in content
    assert 'class="warning"' not in content


@pytest.mark.parametrize(
    ("days_left", "warning"),
    [
        (120, None),
        (91, None),
        (90, "The validity ends in 90 days: you can ask for a renewal."),
        (7, "The validity ends in 7 days: you can ask for a renewal."),
        (1, "The validity ends in 1 day: you can ask for a renewal."),
        (-1, "The validity has ended: you can ask for a renewal."),
    ],
)
def test_my_accreditations_warns_when_the_validity_ends_within_90_days(
    signed_in, alice, recognized, days_left, warning
):
    accreditation = recognized(alice)
    Accreditation.objects.filter(pk=accreditation.pk).update(
        valid_until=timezone.localdate() + timedelta(days=days_left)
    )

    response = signed_in.get(PAGE)

    [shown] = response.context["accreditations"]
    assert shown.validity_warning == (warning or "")
    if warning:
        assert warning in response.content.decode()
    else:
        assert 'class="warning"' not in response.content.decode()


def test_my_accreditations_warns_about_a_lapsed_accreditation(signed_in, alice, recognized):
    accreditation = recognized(alice)
    transitions.lapse(accreditation.pk, by=None, reason="The validity ended on 2026-01-01.")

    content = signed_in.get(PAGE).content.decode()

    assert "This accreditation has lapsed: you can ask for a renewal." in content
    assert "Lapsed" in content


def test_timeline_shows_reasons_but_never_internal_comments(
    signed_in, alice, admin_user, recognized
):
    accreditation = recognized(alice, reason="Twelve years of AEO validation.")
    transitions.suspend(
        accreditation.pk,
        by=admin_user,
        reason="Suspended during the integrity inquiry.",
        internal_comment=SECRET,
    )
    transitions.reinstate(
        accreditation.pk,
        by=admin_user,
        reason="The inquiry found nothing.",
        internal_comment=f"{SECRET} (second)",
    )

    response = signed_in.get(PAGE)

    content = response.content.decode()
    assert "Twelve years of AEO validation." in content
    assert "Suspended during the integrity inquiry." in content
    assert "The inquiry found nothing." in content
    assert "Recognized &rarr; Suspended" in content
    assert "Suspended &rarr; Recognized" in content
    assert SECRET not in content
    [shown] = response.context["accreditations"]
    assert [event.what for event in shown.history] == ["Recognized", "Suspended", "Reinstated"]


def test_timeline_shows_workshop_field_evaluation_and_own_document_as_evidence(
    signed_in, alice, admin_user, pdf_bytes
):
    workshop = Workshop.objects.create(
        kind="accreditation",
        title="AEO accreditation workshop, Nairobi",
        area=area("aeo-safe"),
        profile_type=profile("TOA"),
        start_date=date(2026, 2, 2),
        end_date=date(2026, 2, 6),
        venue="Nairobi",
    )
    document = ExpertDocument(
        expert=alice, kind=DocumentKind.SUPPORTING, original_name="mission-report.pdf", size=10
    )
    document.file.save("doc.pdf", ContentFile(pdf_bytes), save=False)
    document.save()
    # A year ago: the accreditation cycle; today: a delivered mission extends the validity.
    with time_machine.travel(timezone.now() - timedelta(days=365), tick=False):
        accreditation = transitions.nominate(
            alice, profile("TOA"), area("aeo-safe"), by=admin_user, reason="Nominated by Kenya."
        )
        transitions.shortlist(accreditation.pk, by=admin_user, reason="Strong CV.")
        transitions.pre_accredit(
            accreditation.pk,
            by=admin_user,
            reason="Passed the workshop.",
            evidence=transitions.Evidence(workshop=workshop),
            internal_comment=SECRET,
        )
        transitions.record_field_evaluation(
            accreditation.pk,
            passed=True,
            evaluator="Grace Achieng",
            by=admin_user,
            comment="Delivered the AEO sessions well.",
            mission_reference="MIS-2026-014",
        )
    transitions.extend_validity(
        accreditation.pk,
        since=timezone.localdate(),
        by=admin_user,
        reason="Delivered a mission.",
        evidence=transitions.Evidence(document=document),
    )

    content = signed_in.get(PAGE).content.decode()

    assert "AEO accreditation workshop, Nairobi" in content
    assert "field evaluation (MIS-2026-014)" in content
    assert "Validity extended" in content
    document_url = reverse("experts:document", args=[document.pk])
    assert f'<a href="{document_url}">mission-report.pdf</a>' in content
    assert "Shortlisted &rarr; Pre-accredited" in content
    assert "Pre-accredited &rarr; Accredited" in content
    assert SECRET not in content


def test_my_accreditations_lists_requests_with_state_and_decision_reason(
    signed_in, alice, admin_user, recognized
):
    accreditation = recognized(alice)
    renewal = accreditation_requests.submit_request(
        alice,
        kind=RequestKind.RENEWAL,
        message="Renew please.",
        upload=ContentFile(b"%PDF-1.4\n%%EOF\n", name="renewal.pdf"),
        by=alice.user,
        accreditation=accreditation,
    )
    accreditation_requests.reject_request(
        renewal.pk, by=admin_user, reason="Your validity runs for three more years."
    )
    accreditation_requests.submit_request(
        alice,
        kind=RequestKind.RECOGNITION,
        message="Recognize me in transit.",
        upload=ContentFile(b"%PDF-1.4\n%%EOF\n", name="transit.pdf"),
        by=alice.user,
        profile_type=profile("ET"),
        area=area("transit"),
    )

    response = signed_in.get(PAGE)

    content = response.content.decode()
    assert [item.state for item in response.context["requests"]] == ["pending", "rejected"]
    assert "Rejected" in content
    assert "Your validity runs for three more years." in content
    assert "Waiting for a decision" in content
    assert "Recognition in a new area" in content
    assert f"ET · {area('transit').name_en}" in content
    assert "transit.pdf" in content


# Requests: the happy paths


def test_renewal_request_sent(signed_in, alice, recognized, pdf_bytes):
    accreditation = recognized(alice)

    response = signed_in.post(
        FORM,
        request_data(pdf_bytes, kind="renewal", accreditation=accreditation.pk),
        follow=True,
    )

    assert response.redirect_chain == [(PAGE, 302)]
    assert SENT in response.content.decode()
    request = AccreditationRequest.objects.get()
    assert (request.expert, request.kind, request.state) == (alice, "renewal", "pending")
    assert request.accreditation == accreditation
    assert (request.profile_type, request.area) == (None, None)
    assert request.message == "Please consider my request."
    assert request.document.expert == alice
    assert request.document.kind == DocumentKind.SUPPORTING
    assert request.document.original_name == "evidence.pdf"
    with default_storage.open(request.document.file.name, "rb") as handle:
        assert handle.read() == pdf_bytes


def test_renewal_request_of_a_lapsed_accreditation_sent(signed_in, alice, recognized, pdf_bytes):
    accreditation = recognized(alice)
    transitions.lapse(accreditation.pk, by=None, reason="The validity ended.")

    response = signed_in.post(
        FORM, request_data(pdf_bytes, kind="renewal", accreditation=accreditation.pk)
    )

    assert response.status_code == 302
    assert AccreditationRequest.objects.get().accreditation == accreditation


def test_recognition_request_sent(signed_in, alice, pdf_bytes):
    response = signed_in.post(
        FORM,
        request_data(
            pdf_bytes,
            kind="recognition",
            profile_type=profile("TOA").pk,
            area=area("e-commerce").pk,
        ),
    )

    assert response.status_code == 302
    assert response.url == PAGE
    request = AccreditationRequest.objects.get()
    assert (request.expert, request.kind, request.state) == (alice, "recognition", "pending")
    assert (request.profile_type, request.area) == (profile("TOA"), area("e-commerce"))
    assert request.accreditation is None


def test_recognition_request_ignores_an_accreditation_sent_along(
    signed_in, alice, recognized, pdf_bytes
):
    accreditation = recognized(alice)
    response = signed_in.post(
        FORM,
        request_data(
            pdf_bytes,
            kind="recognition",
            accreditation=accreditation.pk,
            profile_type=profile("ET").pk,
            area=area("transit").pk,
        ),
    )
    assert response.status_code == 302
    assert AccreditationRequest.objects.get().accreditation is None


def test_correction_request_sent(signed_in, alice, recognized, pdf_bytes):
    accreditation = recognized(alice)
    transitions.suspend(accreditation.pk, by=None, reason="Suspended.")

    response = signed_in.post(
        FORM,
        request_data(
            pdf_bytes,
            kind="correction",
            accreditation=accreditation.pk,
            area=area("transit").pk,
            message="My suspension was recorded against the wrong area.",
        ),
    )

    assert response.status_code == 302
    request = AccreditationRequest.objects.get()
    assert (request.kind, request.accreditation) == ("correction", accreditation)
    assert request.area is None
    assert request.message == "My suspension was recorded against the wrong area."


def test_approved_recognition_request_appears_on_the_page(signed_in, alice, admin_user, pdf_bytes):
    signed_in.post(
        FORM,
        request_data(
            pdf_bytes, kind="recognition", profile_type=profile("TOA").pk, area=area("transit").pk
        ),
    )
    request = AccreditationRequest.objects.get()
    accreditation_requests.approve_request(
        request.pk, by=admin_user, reason="Ten years of transit audits."
    )

    response = signed_in.get(PAGE)

    [accreditation] = response.context["accreditations"]
    assert accreditation.state == AccreditationState.RECOGNIZED
    content = response.content.decode()
    assert "Ten years of transit audits." in content
    document_url = reverse("experts:document", args=[request.document.pk])
    assert f'<a href="{document_url}">evidence.pdf</a>' in content


# Requests: what is refused, with nothing saved


def test_request_page_get_shows_a_labelled_form(signed_in):
    response = signed_in.get(FORM)
    assert response.status_code == 200
    content = response.content.decode()
    for name in ["kind", "accreditation", "profile_type", "area", "message", "document"]:
        assert f'<label for="id_{name}">' in content
    assert 'enctype="multipart/form-data"' in content


def test_request_without_document_refused(signed_in, alice, recognized, pdf_bytes):
    accreditation = recognized(alice)
    data = request_data(pdf_bytes, kind="renewal", accreditation=accreditation.pk)
    del data["document"]

    response = signed_in.post(FORM, data)

    assert form_errors(response, "document") == ["Please attach a supporting document as a PDF."]
    assert "Nothing was sent. Please correct the errors below." in response.content.decode()
    assert_nothing_saved()


def test_request_with_a_renamed_exe_refused(signed_in, alice, recognized, exe_bytes):
    accreditation = recognized(alice)
    data = request_data(
        b"", kind="renewal", accreditation=accreditation.pk, document=pdf_upload(exe_bytes)
    )

    response = signed_in.post(FORM, data)

    assert form_errors(response, "document") == [NOT_A_PDF]
    assert_nothing_saved()


def test_request_with_an_empty_document_refused(signed_in, alice, recognized):
    accreditation = recognized(alice)
    response = signed_in.post(
        FORM,
        request_data(b"", kind="renewal", accreditation=accreditation.pk),
    )
    assert form_errors(response, "document") == ["The submitted file is empty."]
    assert_nothing_saved()


def test_request_with_an_oversized_document_refused(
    signed_in, alice, recognized, pdf_bytes, settings
):
    settings.MAX_CV_BYTES = len(pdf_bytes) - 1
    accreditation = recognized(alice)
    response = signed_in.post(
        FORM, request_data(pdf_bytes, kind="renewal", accreditation=accreditation.pk)
    )
    [error] = form_errors(response, "document")
    assert error.startswith("The file is ") and "the limit is" in error
    assert_nothing_saved()


def test_request_without_kind_or_message_refused(signed_in, pdf_bytes):
    response = signed_in.post(FORM, request_data(pdf_bytes, message=""))
    assert form_errors(response, "kind") == ["Choose what you would like to request."]
    assert form_errors(response, "message") == ["Please explain your request."]
    assert_nothing_saved()


def test_recognition_request_without_area_refused(signed_in, pdf_bytes):
    response = signed_in.post(
        FORM, request_data(pdf_bytes, kind="recognition", profile_type=profile("TOA").pk)
    )
    assert form_errors(response, "area") == [
        "Choose the thematic area you ask to be recognized in."
    ]
    assert "profile_type" not in response.context["form"].errors
    assert_nothing_saved()


def test_recognition_request_without_profile_refused(signed_in, pdf_bytes):
    response = signed_in.post(
        FORM, request_data(pdf_bytes, kind="recognition", area=area("transit").pk)
    )
    assert form_errors(response, "profile_type") == [
        "Choose the profile you ask to be recognized as."
    ]
    assert_nothing_saved()


@pytest.mark.parametrize("kind", ["renewal", "correction"])
def test_request_without_accreditation_refused(signed_in, pdf_bytes, kind):
    response = signed_in.post(FORM, request_data(pdf_bytes, kind=kind))
    assert form_errors(response, "accreditation") == [
        "Choose the accreditation your request is about."
    ]
    assert_nothing_saved()


def test_recognition_request_for_a_live_accreditation_refused(
    signed_in, alice, recognized, pdf_bytes
):
    recognized(alice, "aeo-safe", "TOA")
    response = signed_in.post(
        FORM,
        request_data(
            pdf_bytes, kind="recognition", profile_type=profile("TOA").pk, area=area("aeo-safe").pk
        ),
    )
    assert form_errors(response, "area") == [
        "You already hold a recognized TOA accreditation in this area."
    ]
    assert_nothing_saved()


def test_recognition_request_after_a_withdrawn_accreditation_sent(
    signed_in, alice, recognized, pdf_bytes
):
    accreditation = recognized(alice, "aeo-safe", "TOA")
    transitions.withdraw(accreditation.pk, by=None, reason="Withdrawn at the expert's request.")
    response = signed_in.post(
        FORM,
        request_data(
            pdf_bytes, kind="recognition", profile_type=profile("TOA").pk, area=area("aeo-safe").pk
        ),
    )
    assert response.status_code == 302


def test_renewal_of_an_accreditation_that_cannot_be_renewed_refused(
    signed_in, alice, admin_user, pdf_bytes
):
    nominated = transitions.nominate(
        alice, profile("TOA"), area("transit"), by=admin_user, reason="Nominated."
    )
    response = signed_in.post(
        FORM, request_data(pdf_bytes, kind="renewal", accreditation=nominated.pk)
    )
    assert form_errors(response, "accreditation") == [
        "A nominated accreditation cannot be renewed."
    ]
    assert_nothing_saved()


@pytest.mark.parametrize("kind", ["renewal", "correction"])
def test_second_pending_request_for_the_same_accreditation_refused(
    signed_in, alice, recognized, pdf_bytes, kind
):
    accreditation = recognized(alice)
    first = signed_in.post(FORM, request_data(pdf_bytes, kind=kind, accreditation=accreditation.pk))
    assert first.status_code == 302

    second = signed_in.post(
        FORM, request_data(pdf_bytes, kind=kind, accreditation=accreditation.pk)
    )

    assert form_errors(second, "accreditation") == [
        "You already have a request of this kind waiting for a decision on it."
    ]
    assert AccreditationRequest.objects.count() == 1
    assert ExpertDocument.objects.count() == 1


def test_second_pending_recognition_for_the_same_area_refused(signed_in, pdf_bytes):
    data = {"kind": "recognition", "profile_type": profile("TOA").pk, "area": area("transit").pk}
    assert signed_in.post(FORM, request_data(pdf_bytes, **data)).status_code == 302

    second = signed_in.post(FORM, request_data(pdf_bytes, **data))

    assert form_errors(second, "area") == [
        "You already asked for this recognition; it is waiting for a decision."
    ]
    assert AccreditationRequest.objects.count() == 1


def test_new_request_allowed_once_the_previous_one_is_decided(
    signed_in, alice, admin_user, recognized, pdf_bytes
):
    accreditation = recognized(alice)
    data = {"kind": "renewal", "accreditation": accreditation.pk}
    assert signed_in.post(FORM, request_data(pdf_bytes, **data)).status_code == 302
    accreditation_requests.reject_request(
        AccreditationRequest.objects.get().pk, by=admin_user, reason="Not due yet."
    )

    assert signed_in.post(FORM, request_data(pdf_bytes, **data)).status_code == 302
    assert list(AccreditationRequest.objects.values_list("state", flat=True)) == [
        RequestState.REJECTED,
        RequestState.PENDING,
    ]


def test_other_kind_pending_does_not_block_a_request(signed_in, alice, recognized, pdf_bytes):
    accreditation = recognized(alice)
    renewal = {"kind": "renewal", "accreditation": accreditation.pk}
    correction = {"kind": "correction", "accreditation": accreditation.pk}
    assert signed_in.post(FORM, request_data(pdf_bytes, **renewal)).status_code == 302
    assert signed_in.post(FORM, request_data(pdf_bytes, **correction)).status_code == 302
    assert AccreditationRequest.objects.count() == 2


# Query count


def add_accreditations_with_history(expert, count, *, by, pdf_bytes):
    codes = ["aeo-safe", "transit", "e-commerce", "free-zones", "integrity"]
    for code in codes[:count]:
        document = ExpertDocument(
            expert=expert, kind=DocumentKind.SUPPORTING, original_name=f"{code}.pdf", size=10
        )
        document.file.save("doc.pdf", ContentFile(pdf_bytes), save=False)
        document.save()
        workshop = Workshop.objects.create(
            kind="refresher",
            title=f"Refresher {code}",
            area=area(code),
            profile_type=profile("TOA"),
            start_date=date(2026, 1, 5),
            end_date=date(2026, 1, 6),
            online=True,
        )
        with time_machine.travel(timezone.now() - timedelta(days=365), tick=False):
            accreditation = transitions.recognize(
                expert,
                profile("TOA"),
                area(code),
                by=by,
                reason="Recognized.",
                evidence=transitions.Evidence(document=document),
            )
        transitions.extend_validity(
            accreditation.pk,
            since=timezone.localdate(),
            by=by,
            reason="Refresher attended.",
            evidence=transitions.Evidence(workshop=workshop),
        )
        accreditation_requests.submit_request(
            expert,
            kind=RequestKind.RENEWAL,
            message="Renew.",
            upload=ContentFile(pdf_bytes, name="renew.pdf"),
            by=expert.user,
            accreditation=accreditation,
        )


def test_my_accreditations_query_count_independent_of_size(
    client, alice, bob, admin_user, pdf_bytes, django_assert_num_queries
):
    add_accreditations_with_history(alice, 1, by=admin_user, pdf_bytes=pdf_bytes)
    add_accreditations_with_history(bob, 5, by=admin_user, pdf_bytes=pdf_bytes)

    client.force_login(alice.user)
    client.get(PAGE)  # warm up: session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE).status_code == 200
    small = len(queries)  # read now: the next request resets the connection's query log

    client.force_login(bob.user)
    client.get(PAGE)
    with django_assert_num_queries(small):
        response = client.get(PAGE)
    assert len(response.context["accreditations"]) == 5
    assert len(response.context["requests"]) == 5
    assert all(len(item.history) == 2 for item in response.context["accreditations"])
