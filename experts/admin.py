from django.contrib import admin

# Filled in below the first migration; placeholder import keeps autodiscovery happy.
