"""The experts app's URLs: one module per capability, mounted under two namespaces.

``experts:`` holds what an expert does for themselves (mounted at the site root) and
``secretariat:`` what the Secretariat does with the roster (mounted at ``/secretariat/``).
"""

from experts.urls import (
    accreditation,
    cv,
    directory,
    exports,
    imports,
    merge,
    profile,
    roster,
    workshops,
)

expert_urls = ([*profile.urlpatterns, *accreditation.urlpatterns], "experts")

secretariat_urls = (
    [
        *directory.urlpatterns,
        *exports.urlpatterns,
        *imports.urlpatterns,
        *roster.urlpatterns,
        *merge.urlpatterns,
        *cv.urlpatterns,
        *workshops.urlpatterns,
    ],
    "secretariat",
)
