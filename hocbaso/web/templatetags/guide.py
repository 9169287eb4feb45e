"""``{% guide_url %}``: the user guide page for the request's reader."""

from django import template

from hocbaso.web.guide import guide_url as _guide_url

register = template.Library()


@register.simple_tag(takes_context=True)
def guide_url(context) -> str:
    request = context.get("request")
    if request is None:  # a template rendered outside a request (emails)
        return ""
    return _guide_url(request)
