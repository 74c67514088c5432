app_name = "emergency"
urlpatterns = []
