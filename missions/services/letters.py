"""The release-request letter as a PDF: what the officer downloads to send the request to the
administration another way (post, a ministry's registry, a fax), in its language of
correspondence. It names the expert and the mission, never the expert's personal details."""

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf.enums import XPos, YPos

from experts.services.cv import FONT, LINE, PortalPDF, write_facts, write_heading
from missions.models import Release
from missions.services import releases


def render_release_letter(release: Release) -> bytes:
    """The letter for ``release`` as PDF bytes. No side effects."""
    assignment = release.assignment
    mission = assignment.position.mission
    administration = release.administration
    language = administration.correspondence_language if administration else "en"
    with translation.override(language):
        pdf = PortalPDF(footer_text=_("Mission %(reference)s") % {"reference": mission.reference})
        pdf.set_title(_("Request for the release of an officer"))
        pdf.set_creator("ACE Portal")
        pdf.set_lang(language)
        pdf.add_page()
        pdf.set_font(FONT, "", 10)
        today = formats.date_format(timezone.localdate(), "DATE_FORMAT")
        pdf.cell(0, LINE, today, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if administration:
            pdf.cell(0, LINE, administration.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        write_heading(pdf, _("Request for the release of an officer"))
        expert = assignment.expert.full_name
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(
            0,
            LINE,
            _(
                "The WCO Secretariat has invited %(expert)s, an officer of your administration "
                "and a WCO accredited expert, to take part in the mission below, and they have "
                "accepted. We would be grateful if you would release them for its dates."
            )
            % {"expert": expert},
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(2)
        beneficiaries = ", ".join(b.name for b in mission.beneficiaries.all())
        write_facts(
            pdf,
            [
                (_("Mission"), f"{mission.reference}: {mission.title}"),
                (_("Type"), mission.get_mission_type_display()),
                (_("Role"), assignment.position.get_role_display()),
                (
                    _("Dates"),
                    f"{formats.date_format(mission.start_date, 'DATE_FORMAT')} – "
                    f"{formats.date_format(mission.end_date, 'DATE_FORMAT')}",
                ),
                (_("Delivery"), mission.get_delivery_display()),
                (_("Location"), mission.location),
                (_("Beneficiary administrations"), beneficiaries),
                (_("Funding"), mission.funding_source.name if mission.funding_source else ""),
            ],
        )
        pdf.ln(3)
        pdf.set_font(FONT, "", 10)
        officer = mission.officer.get_full_name() or mission.officer.email
        pdf.multi_cell(
            0,
            LINE,
            _(
                "Please give your answer at the address below, or reply to %(officer)s "
                "(%(email)s), the officer in charge of this mission:"
            )
            % {"officer": officer, "email": mission.officer.email},
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.ln(1)
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(0, LINE, releases.release_url(release), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(6)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(
            0,
            LINE,
            f"{officer}\n{_('WCO Secretariat, Capacity Building Directorate')}",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        return bytes(pdf.output())
