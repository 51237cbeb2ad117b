from django.urls import path

from . import views

app_name = "pilots"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<slug:slug>/", views.unit_detail, name="unit_detail"),
    path("home/", views.home, name="home"),
    path("office/", views.office_home, name="office_home"),
    path("department/", views.department_home, name="department_home"),
    path("my-unit/", views.unit_home, name="unit_home"),
    path("expert/", views.expert_home, name="expert_home"),
]
