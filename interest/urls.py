app_name = "interest"

urlpatterns: list = []
