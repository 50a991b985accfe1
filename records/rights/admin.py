"""Admin for the working-day calendar only: no client-file model is administered here (staff
status opens no customer content)."""

from __future__ import annotations

from django.contrib import admin

from records.rights.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Each year's public holidays and worked weekend days (调休), as the State Council publishes
    them; customers' request deadlines are counted in working days with them."""

    list_display = ("day", "working", "note")
    list_filter = ("working",)
    date_hierarchy = "day"
    search_fields = ("note",)
