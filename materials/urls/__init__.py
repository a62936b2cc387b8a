"""The materials app's URLs, one module per capability, under the ``materials:`` namespace:
the library at /materials/, working groups at /working-groups/."""

from materials.urls import groups, library

material_urls = ([*library.urlpatterns, *groups.urlpatterns], "materials")
