import Lede

LedeClassify.main()
