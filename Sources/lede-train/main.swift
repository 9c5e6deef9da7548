import ArgumentParser
import Foundation
import Lede

LedeTrain.main()
