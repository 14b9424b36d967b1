"""Sign-in and sign-out pages (Django's auth views with Kefu's Chinese templates)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link or a prefetch can never sign someone out."""


login = LoginView.as_view()
logout = LogoutView.as_view()
