app_name = "interest_staff"

urlpatterns: list = []
