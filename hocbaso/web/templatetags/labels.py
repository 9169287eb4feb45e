"""``{% load labels %}``: subject and field names for the data's codes."""

from django import template

from hocbaso.web import labels

register = template.Library()
register.filter("subject_name", labels.subject_name)
register.filter("value_name", labels.value_name)
register.filter("path_name", labels.path_name)
register.filter("value_text", labels.value_text)
register.filter("check_name", labels.check_name)
register.filter("reason_text", labels.reason_text)
register.filter("status_name", labels.status_name)
