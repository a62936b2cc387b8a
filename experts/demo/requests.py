"""Pending accreditation requests for the demo, each with a small PDF in private storage."""

import unicodedata
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from experts.demo.figures import S
from experts.enums import (
    HOLDING_STATES,
    DocumentKind,
    RequestKind,
)
from experts.models import (
    AccreditationRequest,
    ExpertDocument,
)


class PendingRequests:
    """The requests of AccreditationGenerator (a mixin: it uses its draws)."""

    def pool_requests(self, batch) -> None:
        """A few pending requests from this batch: renewals, recognitions, a correction."""
        rng, soon = self.rng, self.today + timedelta(days=90)
        holding = [t for t in batch.timelines if t.state in HOLDING_STATES]
        lapsed = [t for t in batch.timelines if t.state == S.LAPSED]
        expiring = [t for t in holding if t.valid_until <= soon]
        wanted = []  # (kind, expert, accreditation, profile, area)
        for kind, timelines, count in [
            (RequestKind.RENEWAL, lapsed, 4),
            (RequestKind.RENEWAL, expiring, 2),
            (RequestKind.CORRECTION, holding, 1),
        ]:
            for t in rng.sample(timelines, min(count, len(timelines))):
                wanted.append((kind, t.expert, t.accreditation, t.profile, t.area))
        # A recognition in one of the expert's areas where they hold nothing yet.
        newcomers = []
        for member in batch.members:
            held = {area for _, area in member.taken}
            new = [area for area in member.areas if area.code not in held]
            if member.taken and new:
                newcomers.append((member, rng.choice(new)))
        for member, area in rng.sample(newcomers, min(3, len(newcomers))):
            code = "REC" if area.code == "gender-diversity" else "TOA"
            if code in self.profiles:
                kind = RequestKind.RECOGNITION
                wanted.append((kind, member.expert, None, self.profiles[code], area))
        seen = set()
        for kind, expert, accreditation, profile, area in wanted:
            if self.requests_left <= 0 or expert.pk in seen:
                continue
            seen.add(expert.pk)
            self.requests_left -= 1
            create_request(
                expert,
                kind=kind,
                accreditation=accreditation,
                profile=profile,
                area=area,
                at=timezone.now() - timedelta(hours=rng.randint(2, 24 * 25)),
            )
            self.counts["requests"] += 1


REQUEST_MESSAGES = {
    (RequestKind.RENEWAL, S.LAPSED): (
        "My {profile} accreditation in {area} lapsed on {until} while I was on a long "
        "secondment. Since then I have co-facilitated a national workshop in the area: the "
        "attached certificate shows it. Could it be renewed?"
    ),
    (RequestKind.RENEWAL, None): (
        "My {profile} accreditation in {area} ends on {until}. I delivered training in the area "
        "this year (programme attached) and would like to renew it."
    ),
    (RequestKind.CORRECTION, None): (
        "The history of my {profile} accreditation in {area} names the wrong workshop venue. "
        "The attached certificate gives the right one."
    ),
    (RequestKind.RECOGNITION, None): (
        "I have worked in {area} for several years and train colleagues in my administration. "
        "I ask to be recognized as {profile} in this area; my training record is attached."
    ),
}


def create_request(expert, *, kind, accreditation=None, profile=None, area=None, at=None):
    """A pending request with its supporting document: a small PDF in private storage."""
    at = at or timezone.now()
    until = accreditation.valid_until if accreditation else None
    state = accreditation.state if accreditation else None
    message = REQUEST_MESSAGES.get((kind, state)) or REQUEST_MESSAGES[(kind, None)]
    message = message.format(
        profile=(accreditation.profile_type if accreditation else profile).code,
        area=area.name_en,
        until=until.isoformat() if until else "",
    )
    name = f"{kind}-{area.code}.pdf"
    pdf = tiny_pdf(
        [
            "Supporting document - fictitious demo data",
            f"Expert: {expert.full_name}",
            f"Request: {kind}, {area.name_en}",
            f"Date: {at:%Y-%m-%d}",
        ]
    )
    document = ExpertDocument(
        expert=expert,
        kind=DocumentKind.SUPPORTING,
        original_name=name,
        size=len(pdf),
        uploaded_at=at,
        uploaded_by=expert.user,
    )
    document.file.save("document.pdf", ContentFile(pdf), save=True)
    return AccreditationRequest.objects.create(
        expert=expert,
        kind=kind,
        accreditation=accreditation if kind != RequestKind.RECOGNITION else None,
        profile_type=profile if kind == RequestKind.RECOGNITION else None,
        area=area if kind == RequestKind.RECOGNITION else None,
        message=message,
        document=document,
        created_at=at,
    )


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (Helvetica text, correct cross-reference table)."""

    def text(line):
        plain = unicodedata.normalize("NFKD", line).encode("ascii", "ignore").decode()
        return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(f"({text(x)}) '" for x in lines) + " ET"
    stream = content.encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out
