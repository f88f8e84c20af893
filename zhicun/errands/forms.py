"""Forms for registering an errand, filtering lists and editing the catalogue."""

from django import forms

from zhicun.errands.models import Channel, ErrandType, State
from zhicun.lib.forms import BootstrapMixin
from zhicun.registry.models import Person


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.hamlet.name}，{obj.birth_date:%Y}年生）"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("、", "\n").splitlines() if line.strip()]


class ErrandRegisterForm(BootstrapMixin, forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput)
    person = PersonChoiceField(label="村民", queryset=Person.objects.none())
    type = forms.ModelChoiceField(label="代办事项", queryset=ErrandType.objects.none())
    need = forms.CharField(
        label="办理诉求", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    documents = forms.CharField(
        label="所需材料（每行一项；留空则按事项清单）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    channel = forms.ChoiceField(label="登记方式", choices=Channel.choices, initial=Channel.DOOR)

    def __init__(self, *args, user, q: str = "", person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        persons = Person.objects.in_scope(user).active().select_related("hamlet")
        if person is not None:
            # Preselected from the person page (already checked against the user's scope).
            persons = persons.filter(pk=person.pk)
        elif q:
            persons = persons.name_matches(q)
        self.fields["person"].queryset = persons.order_by("hamlet__code", "name")
        self.fields["type"].queryset = ErrandType.objects.filter(active=True)

    def clean_documents(self) -> list[str] | None:
        return _lines(self.cleaned_data["documents"]) or None


class ErrandFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="村民姓名", required=False)
    state = forms.ChoiceField(
        label="状态", choices=[("", "全部"), ("open", "未办结"), *State.choices], required=False
    )
    type = forms.ModelChoiceField(
        label="事项", queryset=ErrandType.objects.all(), required=False, empty_label="全部事项"
    )
    light = forms.ChoiceField(
        label="红黄灯",
        choices=[("", "全部"), ("yellow", "黄灯"), ("red", "红灯")],
        required=False,
    )


class ErrandTypeForm(BootstrapMixin, forms.ModelForm):
    documents_text = forms.CharField(
        label="所需材料（每行一项）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    class Meta:
        model = ErrandType
        fields = ["code", "name", "description", "limit_days", "pays_money", "order", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["documents_text"].initial = "\n".join(self.instance.documents)
            self.fields["code"].disabled = True

    def clean_limit_days(self) -> int:
        days = self.cleaned_data["limit_days"]
        if not 1 <= days <= 90:
            raise forms.ValidationError("办理时限应为 1 至 90 个工作日")
        return days
