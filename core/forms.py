"""What every form view shares."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def add_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has
    that field, otherwise as a form error (both reach the error summary)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- NL Design System classes on every form widget --------------------------------------------
# Every form on the platform renders its widgets with the Utrecht component classes (and the
# --invalid modifier when the field has errors), set here once instead of in each form or
# template: settings.FORM_RENDERER is UtrechtFormRenderer, whose bound fields add the class.

UTRECHT_WIDGET_CLASSES = {
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    "radio": "utrecht-radio-button utrecht-radio-button--html-input",
    "select": "utrecht-select utrecht-select--html-select",
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "textbox": "utrecht-textbox utrecht-textbox--html-input",
}
# Inputs with no Utrecht component of their own (a file chooser) keep the browser's look.
NO_UTRECHT_CLASS = {"hidden", "file"}


def utrecht_component(widget) -> str | None:
    """Which Utrecht form control a widget is: a key of UTRECHT_WIDGET_CLASSES, or None."""
    if isinstance(widget, forms.MultiWidget) or widget.is_hidden:
        return None
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select | forms.SelectMultiple) and not isinstance(
        widget, forms.RadioSelect | forms.CheckboxSelectMultiple
    ):
        return "select"
    input_type = getattr(widget, "input_type", None)
    if input_type in ("checkbox", "radio"):
        return input_type
    if input_type is None or input_type in NO_UTRECHT_CLASS:
        return None
    return "textbox"


class UtrechtBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        component = utrecht_component(widget)
        if component:
            base = UTRECHT_WIDGET_CLASSES[component]
            invalid = f" utrecht-{component.replace('radio', 'radio-button')}--invalid"
            classes = [widget.attrs.get("class", ""), attrs.get("class", ""), base]
            if self.errors:
                classes.append(invalid.strip())
            # The widget's own attrs would be overwritten by these: keep its classes too.
            attrs["class"] = " ".join(dict.fromkeys(c for c in " ".join(classes).split() if c))
        return attrs


class UtrechtFormRenderer(DjangoTemplates):
    """The default renderer, with Utrecht classes on the widgets and a checkbox or radio group
    whose container carries no control class (``core/widgets/multiple_input.html``)."""

    bound_field_class = UtrechtBoundField
    overrides = {
        "django/forms/widgets/radio.html": "core/widgets/multiple_input.html",
        "django/forms/widgets/checkbox_select.html": "core/widgets/multiple_input.html",
    }

    def get_template(self, template_name):
        return super().get_template(self.overrides.get(template_name, template_name))

    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


# --- <select> without a template per option ---------------------------------------------------
# Django renders a select's options with two template includes each (select_option.html, then
# attrs.html): about 0.1 ms an option, so a filter form with sixty options cost its page more
# than its table. ``select_html`` writes the very characters those templates write, in Python
# (same escaping and attribute rules, a label localized as {{ }} would; tests/core pin it
# against the templates); a widget whose options use another template keeps the template path.
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs_html(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: `` name="value"``, a bare name for True, nothing
    for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _label(label) -> str:
    return conditional_escape(label if isinstance(label, str) else localize(label))


def select_html(widget: dict) -> str | None:
    """The markup of ``django/forms/widgets/select.html`` for a widget context, or None when an
    option has a template of its own."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs_html(option['attrs'])}>{_label(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped
