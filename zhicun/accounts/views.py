"""Login, the 工作台 home, and account administration for sysadmins."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhicun.accounts import services
from zhicun.accounts.decorators import require_perm
from zhicun.accounts.forms import LoginForm, PostForm
from zhicun.accounts.logins import user_search
from zhicun.accounts.models import Post, User
from zhicun.units.models import Unit


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    """What this person must do today: each app contributes panels for the roles it serves."""
    panels = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_panels", None)
        if provider is not None:
            panels.extend(provider(request))
    return render(request, "accounts/home.html", {"panels": panels})


def _managed_units(user):
    codes = [u.code for u in user.units_for("accounts.manage")]
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(code__startswith=code)
    return Unit.objects.filter(q)


def _managed_users(user):
    units = _managed_units(user)
    return User.objects.filter(Q(posts__unit__in=units) | Q(posts__isnull=True)).distinct()


@require_perm("accounts.manage")
def users(request):
    q = request.GET.get("q", "").strip()
    qs = _managed_users(request.user).order_by("username")
    if q:
        qs = qs.filter(user_search(q))
    return render(request, "accounts/users.html", {"users": qs[:200], "q": q})


@require_perm("accounts.manage")
def user_new(request):
    errors = {}
    if request.method == "POST":
        try:
            user = services.user_create(
                by=request.user,
                username=request.POST.get("username", "").strip(),
                full_name=request.POST.get("full_name", "").strip(),
                phone=request.POST.get("phone", "").strip(),
                password=request.POST.get("password", ""),
            )
        except ValidationError as e:
            errors = e.message_dict if hasattr(e, "error_dict") else {"password": e.messages}
        else:
            messages.success(request, f"已创建账号 {user.username}")
            return redirect("accounts:user", user.pk)
    return render(request, "accounts/user_new.html", {"errors": errors, "data": request.POST})


@require_perm("accounts.manage")
def user_detail(request, pk: int):
    user = get_object_or_404(_managed_users(request.user), pk=pk)
    form = PostForm(request.POST or None, units=_managed_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.post_grant(
                by=request.user,
                user=user,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, "已授予岗位")
            return redirect("accounts:user", user.pk)
    posts = user.posts.select_related("unit").order_by("-active", "unit__code")
    return render(request, "accounts/user_detail.html", {"u": user, "posts": posts, "form": form})


@require_POST
@require_perm("accounts.manage")
def post_revoke(request, pk: int):
    post = get_object_or_404(Post.objects.filter(unit__in=_managed_units(request.user)), pk=pk)
    services.post_revoke(by=request.user, post=post)
    messages.success(request, "已撤销岗位")
    return redirect("accounts:user", post.user_id)
